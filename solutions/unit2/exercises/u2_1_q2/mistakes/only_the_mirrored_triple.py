"""only the mirrored triple"""

ans_u2_1_q2b = "B"
