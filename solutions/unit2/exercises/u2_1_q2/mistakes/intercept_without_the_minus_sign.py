"""intercept without the minus sign"""

def decision_line(w0, w1, b):
    return -w0 / w1, b / w1, w1 < 0
