"""classifies an empty sentence (the bias alone) instead of refusing it"""

class EmbedSumClassify(nn.Module):
    def __init__(self, vocab_size, embed_dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.linear = nn.Linear(embed_dim, 2)

    def forward(self, tokens):
        return F.log_softmax(self.linear(self.embedding(tokens).sum(dim=0)), dim=0)
