"""a main-diagonal edge kernel declared as detecting anti-diagonal edges"""

DIAG_KERNEL = torch.tensor([[0.0, 1.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, -1.0, 0.0]])
DIAG_ORIENTATION = "anti"
