"""starts on the minimum"""

EGG_RUN_2 = {"start": (479.0, 434.5), "lr": 0.01, "steps": 10}
