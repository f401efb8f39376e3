"""answers that "same" needs an odd kernel"""

ans_u5_5_q4 = "B"
