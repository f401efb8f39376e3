"""keeps the bag's default mode, the mean"""

class EmbedBagClassify(nn.Module):
    def __init__(self, vocab_size, embed_dim):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim)
        self.linear = nn.Linear(embed_dim, 2)

    def forward(self, tokens):
        if tokens.numel() == 0:
            raise ValueError("empty sentence")
        return F.log_softmax(self.linear(self.embedding(tokens.unsqueeze(0)).squeeze(0)), dim=0)
