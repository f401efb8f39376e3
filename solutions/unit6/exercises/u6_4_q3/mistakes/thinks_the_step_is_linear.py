"""thinks the first step is linear in w"""

ans_u6_4_q3 = "B"
