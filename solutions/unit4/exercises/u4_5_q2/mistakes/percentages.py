"""reports the accuracies in percent"""

ans_u4_5_q2 = {"none": 82.4, "corrected": 83.2, "uncorrected": 83.2}
