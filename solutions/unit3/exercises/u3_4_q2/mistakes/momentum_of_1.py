"""momentum of 1"""

ADAM_WORSE_CONFIG = {"start": (-1.0, 1.0), "lr": 0.01, "momentum": 1.0, "steps": 100}
