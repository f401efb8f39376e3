"""balanced classes assumed"""

ans_u2_2_q2a = ["A", "B", "D"]
