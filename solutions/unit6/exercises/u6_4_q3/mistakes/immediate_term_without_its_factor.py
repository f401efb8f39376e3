"""leaves out the factor (1 - h_t^2) of each immediate derivative"""

def scalar_rnn_dh_dw(x, w_in, b_in, w, b_h, h0=0.0):
    states = [float(h0)]
    for x_t in x.tolist():
        states.append(math.tanh(w_in * x_t + b_in + w * states[-1] + b_h))
    T = len(states) - 1
    total, factor = 0.0, 1.0
    for k in range(T):
        t = T - k
        total += factor * states[t - 1]
        factor *= (1 - states[t] ** 2) * w
    return total
