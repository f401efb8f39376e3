"""wrong choice"""

ans_u1_1_q1 = "A"
