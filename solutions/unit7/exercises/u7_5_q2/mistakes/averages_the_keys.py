"""returns the weighted average of the keys, not of the values"""

def dot_attention(q, K, V):
    if K.shape[0] != V.shape[0] or K.shape[1] != q.shape[0]:
        raise ValueError("mismatched sizes")
    weights = torch.softmax(K @ q, dim=0)
    return weights @ K, weights
