"""believes more data always helps"""

ans_u4_2_q3b = "B"
