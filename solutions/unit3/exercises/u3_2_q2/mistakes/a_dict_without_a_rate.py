"""a dict without a rate"""

EGG_RUN_2 = {"start": (450.0, 420.0), "steps": 10_000}
