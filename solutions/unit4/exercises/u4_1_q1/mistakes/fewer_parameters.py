"""believes the network has fewer parameters than the polynomial"""

ans_u4_1_q1b = "A"
