"""treats index 0 (<UNK>) as padding"""

class RNNClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.cell = MyRNNCell(embed_dim, hidden_dim)
        self.linear = nn.Linear(hidden_dim, 2)

    def forward(self, tokens):
        self.cell.hidden_state = torch.zeros(self.hidden_dim)
        for x in self.embedding(tokens):
            self.cell(x)
        return F.log_softmax(self.linear(self.cell.hidden_state), dim=0)
