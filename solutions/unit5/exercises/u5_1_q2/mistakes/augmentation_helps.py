"""answers that the changing permutations help, like data augmentation"""

ans_u5_1_q2 = "A"
