"""counts the head's weights but not its biases"""

ans_u5_7_q2 = (512_000, 58_631_144)
