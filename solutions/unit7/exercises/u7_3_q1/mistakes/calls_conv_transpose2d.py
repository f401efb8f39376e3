"""calls the library's transposed convolution"""

def conv_backward(dCdY, K):
    return F.conv_transpose2d(dCdY[None, None], K[None, None].to(dCdY.dtype))[0, 0]
