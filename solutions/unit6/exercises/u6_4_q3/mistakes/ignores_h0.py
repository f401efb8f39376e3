"""always starts from h0 = 0"""

def scalar_rnn_dh_dw(x, w_in, b_in, w, b_h, h0=0.0):
    h, d = 0.0, 0.0
    for x_t in x.tolist():
        new = math.tanh(w_in * x_t + b_in + w * h + b_h)
        d = (1 - new ** 2) * (h + w * d)
        h = new
    return d
