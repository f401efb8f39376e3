"""training accuracy of the last batch instead of test accuracy"""

ans_u2_8_q4 = {1: 1.0, 4: 1.0, 16: 0.9375, 512: 0.7578}
