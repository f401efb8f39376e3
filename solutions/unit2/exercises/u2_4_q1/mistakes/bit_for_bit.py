"""bit for bit"""

ans_u2_4_q1 = "D"
