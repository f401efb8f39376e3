"""believes two sets halve the variance of the estimate"""

ans_u4_3_q3 = "C"
