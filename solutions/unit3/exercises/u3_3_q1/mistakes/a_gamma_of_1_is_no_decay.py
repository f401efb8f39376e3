"""a gamma of 1 is no decay"""

EGG_DECAY_RUN_2 = {'start': (450.0, 420.0), 'lr': 0.01, 'gamma': 1.0, 'steps': 10_000}
