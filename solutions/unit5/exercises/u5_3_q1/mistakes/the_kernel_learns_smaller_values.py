"""answers that the kernel simply learns values 255 times smaller"""

ans_u5_3_q1 = "D"
