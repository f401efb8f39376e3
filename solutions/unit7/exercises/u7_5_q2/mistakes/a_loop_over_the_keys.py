"""loops over the keys"""

def dot_attention(q, K, V):
    if K.shape[0] != V.shape[0] or K.shape[1] != q.shape[0]:
        raise ValueError("mismatched sizes")
    scores = torch.stack([torch.dot(k, q) for k in K])
    weights = torch.softmax(scores, dim=0)
    output = torch.zeros(V.shape[1], dtype=V.dtype)
    for w, v in zip(weights, V):
        output = output + w * v
    return output, weights
