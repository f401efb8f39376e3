"""divides the scores by sqrt(d), as scaled dot-product attention does"""

def dot_attention(q, K, V):
    if K.shape[0] != V.shape[0] or K.shape[1] != q.shape[0]:
        raise ValueError("mismatched sizes")
    weights = torch.softmax(K @ q / q.shape[0] ** 0.5, dim=0)
    return weights @ V, weights
