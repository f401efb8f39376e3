"""reports the accuracy of the fixed-permutation model"""

ans_u5_1_q2_acc = 0.85
