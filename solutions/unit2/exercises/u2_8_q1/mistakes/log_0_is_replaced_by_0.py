"""log 0 is replaced by 0"""

ans_u2_8_q1 = "A"
