"""blames the learning rate"""

ans_u2_3_q3 = "B"
