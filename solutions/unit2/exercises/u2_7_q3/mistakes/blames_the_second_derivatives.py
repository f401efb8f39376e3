"""blames the second derivatives"""

ans_u2_7_q3 = "C"
