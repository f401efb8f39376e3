"""applies tanh to the state again: 1 - tanh(h_t)^2"""

def immediate_dh_dw(h_t, h_prev):
    return (1 - torch.tanh(h_t) ** 2) * h_prev
