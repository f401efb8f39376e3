"""lets the GloVe table train (freeze=False)"""

class GloveSumClassify(nn.Module):
    def __init__(self, vectors):
        super().__init__()
        self.embedding = nn.Embedding.from_pretrained(vectors, freeze=False)
        self.linear = nn.Linear(50, 2)

    def forward(self, tokens):
        return F.log_softmax(self.linear(self.embedding(tokens).sum(dim=0)), dim=0)
