"""says the frozen vectors skip the lookup"""

ans_u6_2_q3 = "D"
