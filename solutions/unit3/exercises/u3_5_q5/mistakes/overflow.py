"""overflow"""

ans_u3_5_q5 = "B"
