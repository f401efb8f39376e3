"""not differentiable"""

ans_u3_2_q3 = "A"
