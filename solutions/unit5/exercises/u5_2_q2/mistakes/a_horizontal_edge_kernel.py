"""the text's horizontal edge kernel"""

DIAG_KERNEL = torch.tensor([[-1.0, -1.0, -1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
DIAG_ORIENTATION = "main"
