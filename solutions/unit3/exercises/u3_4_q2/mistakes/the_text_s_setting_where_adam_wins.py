"""the text's setting, where Adam wins"""

ADAM_WORSE_CONFIG = {"start": (1.4, 1.4), "lr": 1.0, "momentum": 0.0, "steps": 100}
