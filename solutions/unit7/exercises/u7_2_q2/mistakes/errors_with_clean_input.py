"""measures the test error with clean instead of corrupted input"""

ans_u7_2_q2 = {16: 0.0269, 64: 0.0101, 256: 0.0078}
ans_u7_2_q2_text = "C"
