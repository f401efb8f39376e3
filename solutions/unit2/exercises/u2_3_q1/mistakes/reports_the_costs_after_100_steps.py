"""reports the costs after 100 steps"""

ans_u2_3_q1 = {0.01: 0.1218, 0.1: 0.01817, 1.0: 0.001434}
