"""reports the accuracies in percent"""

ans_u5_1_q1 = {"permuted": 85.2, "unpermuted": 8.8}
