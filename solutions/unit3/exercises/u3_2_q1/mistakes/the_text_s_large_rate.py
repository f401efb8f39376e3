"""the text's large rate"""

EGG_RUN_1 = {"start": (300.0, 135.0), "lr": 5.0, "steps": 10}
