"""decays too fast to arrive"""

EGG_DECAY_RUN_1 = {'start': (400.0, 130.0), 'lr': 1.0, 'gamma': 0.9, 'steps': 10_000}
