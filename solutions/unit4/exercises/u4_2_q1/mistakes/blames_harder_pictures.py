"""blames harder pictures in the test part"""

ans_u4_2_q1e = "A"
