"""uses 1 - h_t instead of 1 - h_t^2"""

def immediate_dh_dw(h_t, h_prev):
    return (1 - h_t) * h_prev
