"""a context layer without bias"""

class ContextRNNCell(nn.Module):
    def __init__(self, embed_dim, hidden_dim, context_dim=None):
        super().__init__()
        self.input_linear = nn.Linear(embed_dim, hidden_dim)
        self.hidden_linear = nn.Linear(hidden_dim, hidden_dim)
        self.context_linear = nn.Linear(hidden_dim if context_dim is None else context_dim, hidden_dim, bias=False)

    def forward(self, x, h, c):
        return torch.tanh(self.input_linear(x) + self.hidden_linear(h) + self.context_linear(c))
