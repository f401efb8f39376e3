"""believes biases have no gradient"""

ans_u4_3_q1 = "A"
