"""swaps the two states: (1 - h_prev^2) h_t"""

def immediate_dh_dw(h_t, h_prev):
    return (1 - h_prev ** 2) * h_t
