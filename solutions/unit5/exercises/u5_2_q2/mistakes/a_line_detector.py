"""a detector of diagonal lines, not of edges"""

DIAG_KERNEL = torch.tensor([[2.0, -1.0, -1.0], [-1.0, 2.0, -1.0], [-1.0, -1.0, 2.0]])
DIAG_ORIENTATION = "main"
