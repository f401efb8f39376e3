"""one sample at a time"""

def mlp_manual_backward(X, labels, W1, b1, W2, b2):
    out = {'W1': torch.zeros_like(W1), 'b1': torch.zeros_like(b1),
           'W2': torch.zeros_like(W2), 'b2': torch.zeros_like(b2)}
    for x, t in zip(X, labels):
        z1 = W1 @ x + b1
        a1 = torch.relu(z1)
        g2 = torch.softmax(W2 @ a1 + b2, dim=0)
        g2[t] -= 1
        g1 = (W2.T @ g2) * (z1 > 0)
        out['W1'] += torch.outer(g1, x)
        out['b1'] += g1
        out['W2'] += torch.outer(g2, a1)
        out['b2'] += g2
    return {k: v / len(X) for k, v in out.items()}
