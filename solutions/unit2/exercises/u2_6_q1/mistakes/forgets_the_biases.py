"""forgets the biases"""

ans_u2_6_q1 = 7840
