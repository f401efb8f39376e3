"""counts the weights only"""

ans_u3_1_q4 = 6
