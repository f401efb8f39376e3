"""stops short of the second minimum"""

EGG_DECAY_RUN_2 = {'start': (450.0, 420.0), 'lr': 0.01, 'gamma': 0.99, 'steps': 10_000}
