"""does not check its inputs"""

def iso_probability_line(w0, w1, b, p):
    return -w0 / w1, (math.log(p / (1 - p)) - b) / w1
