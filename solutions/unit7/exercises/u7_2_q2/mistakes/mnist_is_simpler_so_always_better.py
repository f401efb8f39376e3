"""MNIST is simpler, so its error must be smaller everywhere"""

ans_u7_2_q2 = {16: 0.0309, 64: 0.0185, 256: 0.0143}
ans_u7_2_q2_text = "A"
