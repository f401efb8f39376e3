"""answers that one-sided padding gives a smaller output"""

ans_u5_5_q2d = "A"
