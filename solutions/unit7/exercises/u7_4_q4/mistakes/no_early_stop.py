"""keeps decoding after predicting <END>"""

class Seq2Seq(nn.Module):
    def __init__(self, src_vocab_size, tgt_vocab_size, embed_dim, hidden_dim, encoder_layers):
        super().__init__()
        self.encoder = SeqEncoder(src_vocab_size, embed_dim, hidden_dim, encoder_layers)
        self.embedding = nn.Embedding(tgt_vocab_size, embed_dim)
        self.cell = DecoderRNNCell(embed_dim, hidden_dim, tgt_vocab_size)

    def forward(self, src_tokens, tgt_tokens, teacher_forcing=False):
        self.cell.hidden_state = self.encoder(src_tokens)
        token, tokens, loss = tgt_tokens[0], [int(tgt_tokens[0])], 0
        for i in range(len(tgt_tokens) - 1):
            log_probs = self.cell(self.embedding(token))
            loss = loss - log_probs[tgt_tokens[i + 1]]
            token = log_probs.argmax().detach()
            tokens.append(int(token))
        return tokens, loss
