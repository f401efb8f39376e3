"""lets autograd do it"""

def scalar_rnn_dh_dw(x, w_in, b_in, w, b_h, h0=0.0):
    weight = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    h = torch.tensor(h0, dtype=torch.float64)
    for x_t in x:
        h = torch.tanh(w_in * x_t + b_in + weight * h + b_h)
    h.backward()
    return weight.grad.item()
