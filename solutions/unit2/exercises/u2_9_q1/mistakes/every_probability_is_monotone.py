"""every probability is monotone"""

ans_u2_9_q1 = "A"
