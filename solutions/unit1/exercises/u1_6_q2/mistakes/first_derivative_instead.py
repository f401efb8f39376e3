"""first derivative instead"""

ans_u1_6_q2 = 5.0
