"""counts the weights only (2 + 4 + 2)"""

ans_u4_1_q1a = 8
