"""calls the library's convolution instead of computing it"""

def conv2d_valid(X, K):
    if not isinstance(X, torch.Tensor) or not isinstance(K, torch.Tensor):
        raise TypeError("X and K must be tensors")
    if X.dim() != 2 or K.dim() != 2 or K.numel() == 0 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    dtype = torch.promote_types(X.dtype, K.dtype)
    dtype = dtype if dtype.is_floating_point else torch.float32
    return torch.nn.functional.conv2d(X.to(dtype)[None, None], K.to(dtype)[None, None])[0, 0]
