"""only slower"""

ans_u2_8_q2 = "A"
