"""percentages instead of fractions"""

ans_u2_8_q4 = {1: 76.1, 4: 79.2, 16: 82.9, 512: 76.6}
