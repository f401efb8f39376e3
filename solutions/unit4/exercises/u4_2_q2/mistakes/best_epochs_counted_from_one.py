"""reports best epochs counted from 1"""

ans_u4_2_q2 = dict(ans_u4_2_q2, best_epoch_full=ans_u4_2_q2["best_epoch_full"] + 1,
                   best_epoch_small=ans_u4_2_q2["best_epoch_small"] + 1)
