"""positive entries on one side of the diagonal only: a constant picture gives a response"""

DIAG_KERNEL = torch.tensor([[0.0, 1.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
DIAG_ORIENTATION = "main"
