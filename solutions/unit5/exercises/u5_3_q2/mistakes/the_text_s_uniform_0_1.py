"""the text's start, U[0, 1)"""

class ConvLayer_1(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.kern = nn.Parameter(torch.rand(kernel_size))

    def forward(self, x):
        p, q = self.kern.shape
        h, w = x.shape[1] - p + 1, x.shape[2] - q + 1
        out = torch.zeros(x.shape[0], h, w, dtype=x.dtype)
        for r in range(h):
            for s in range(w):
                out[:, r, s] = (x[:, r:r + p, s:s + q] * self.kern).sum(dim=(1, 2))
        return out
