"""prefers the chain rule"""

ans_u2_3_q4 = "A"
