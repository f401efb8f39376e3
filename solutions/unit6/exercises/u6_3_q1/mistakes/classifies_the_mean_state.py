"""classifies the mean of all hidden states, not the last one"""

class RNNClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.cell = MyRNNCell(embed_dim, hidden_dim)
        self.linear = nn.Linear(hidden_dim, 2)

    def forward(self, tokens):
        self.cell.hidden_state = torch.zeros(self.hidden_dim)
        states = []
        for x in self.embedding(tokens):
            self.cell(x)
            states.append(self.cell.hidden_state)
        return F.log_softmax(self.linear(torch.stack(states).mean(dim=0)), dim=0)
