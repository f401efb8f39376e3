"""wrong choice"""

ans_u2_1_q1 = "A"
