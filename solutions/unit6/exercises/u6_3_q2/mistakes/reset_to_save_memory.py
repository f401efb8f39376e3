"""thinks the reset is about speed"""

ans_u6_3_q2a = "B"
ans_u6_3_q2b = "C"
