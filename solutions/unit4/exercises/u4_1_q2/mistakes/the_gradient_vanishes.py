"""thinks the gradient vanishes as points are added"""

ans_u4_1_q2 = "A"
