"""believes inverted dropout multiplies at inference"""

ans_u4_5_q1 = "B"
