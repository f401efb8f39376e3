"""answers that the convolution layers hold most of the parameters"""

ans_u5_6_q4 = "D"
