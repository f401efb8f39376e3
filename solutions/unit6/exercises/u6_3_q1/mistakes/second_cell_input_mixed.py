"""feeds the second cell its own state added to the first cell's"""

class DeepRNNClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.cell1 = MyRNNCell(embed_dim, hidden_dim)
        self.cell2 = MyRNNCell(hidden_dim, hidden_dim)
        self.linear = nn.Linear(hidden_dim, 2)

    def forward(self, tokens):
        self.cell1.hidden_state = torch.zeros(self.hidden_dim)
        self.cell2.hidden_state = torch.zeros(self.hidden_dim)
        for x in self.embedding(tokens):
            self.cell1(x)
            self.cell2(self.cell1.hidden_state + self.cell2.hidden_state)
        return F.log_softmax(self.linear(self.cell2.hidden_state), dim=0)
