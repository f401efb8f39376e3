"""no choice of the problem"""

ans_u2_1_q3b = "B"
