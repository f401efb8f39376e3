"""gives the accuracies in percent"""

ans_u6_2_q1 = {2: 76.6, 16: 74.8, 64: 75.0}
