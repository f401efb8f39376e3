"""more parameters always fit better"""

ans_u2_9_q4e = "A"
