"""computes the new state from the input alone"""

class MyRNNCell(nn.Module):
    def __init__(self, embed_dim, hidden_dim):
        super().__init__()
        self.input_linear = nn.Linear(embed_dim, hidden_dim)
        self.hidden_linear = nn.Linear(hidden_dim, hidden_dim)
        self.hidden_state = torch.zeros(hidden_dim)

    def forward(self, x):
        self.hidden_state = torch.tanh(self.input_linear(x) + self.hidden_linear.bias)
