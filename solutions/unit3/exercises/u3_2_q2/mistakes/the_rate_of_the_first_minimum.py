"""the rate of the first minimum"""

EGG_RUN_2 = {"start": (450.0, 420.0), "lr": 1.0, "steps": 10_000}
