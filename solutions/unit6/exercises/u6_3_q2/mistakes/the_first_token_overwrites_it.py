"""thinks training runs as before without the reset"""

ans_u6_3_q2a = "A"
ans_u6_3_q2b = "D"
