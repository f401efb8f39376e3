"""a Roberts-style kernel, which answers every edge alike"""

DIAG_KERNEL = torch.tensor([[1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 0.0]])
DIAG_ORIENTATION = "main"
