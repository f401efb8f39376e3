"""cuts the windows with Tensor.unfold and multiplies them with the kernel in one product"""

def conv2d_valid(X, K):
    if not isinstance(X, torch.Tensor) or not isinstance(K, torch.Tensor):
        raise TypeError("X and K must be tensors")
    if X.dim() != 2 or K.dim() != 2 or K.numel() == 0 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    dtype = torch.promote_types(X.dtype, K.dtype)
    dtype = dtype if dtype.is_floating_point else torch.float32
    X, K = X.to(dtype), K.to(dtype)
    windows = X.unfold(0, K.shape[0], 1).unfold(1, K.shape[1], 1)
    return (windows * K).sum(dim=(-2, -1))
