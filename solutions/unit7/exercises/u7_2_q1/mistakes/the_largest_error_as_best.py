"""names the size with the largest error as the best"""

ans_u7_2_q1 = {16: 0.0253, 64: 0.0180, 256: 0.0141}
ans_u7_2_q1_best = 16
