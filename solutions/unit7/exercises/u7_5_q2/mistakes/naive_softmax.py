"""a softmax written as exp(s) / sum(exp(s)), which overflows"""

def dot_attention(q, K, V):
    if K.shape[0] != V.shape[0] or K.shape[1] != q.shape[0]:
        raise ValueError("mismatched sizes")
    e = torch.exp(K @ q)
    weights = e / e.sum()
    return weights @ V, weights
