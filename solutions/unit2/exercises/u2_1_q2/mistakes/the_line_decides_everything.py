"""the line decides everything"""

ans_u2_1_q2c = "A"
