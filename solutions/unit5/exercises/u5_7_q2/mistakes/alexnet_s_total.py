"""gives AlexNet's whole count instead of its classifier's"""

ans_u5_7_q2 = (513_000, 61_100_840)
