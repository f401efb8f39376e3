"""finds the columns by convolving unit pictures with F.conv2d"""

def conv_as_matrix(K, H, W):
    p, q = K.shape
    if p > H or q > W:
        raise ValueError("the kernel is larger than the picture")
    basis = torch.eye(H * W, dtype=K.dtype).reshape(H * W, 1, H, W)
    return torch.nn.functional.conv2d(basis, K[None, None]).reshape(H * W, -1).T
