"""accepts teacher_forcing but always feeds the predictions"""

class Seq2Seq(nn.Module):
    def __init__(self, src_vocab_size, tgt_vocab_size, embed_dim, hidden_dim, encoder_layers):
        super().__init__()
        self.encoder = SeqEncoder(src_vocab_size, embed_dim, hidden_dim, encoder_layers)
        self.decoder = TrainingDecoder(tgt_vocab_size, embed_dim, hidden_dim)

    def forward(self, src_tokens, tgt_tokens, teacher_forcing=False):
        return self.decoder(self.encoder(src_tokens), tgt_tokens)
