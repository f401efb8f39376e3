"""feeds tgt_tokens[i + 1], the token the step must predict"""

class Seq2Seq(nn.Module):
    def __init__(self, src_vocab_size, tgt_vocab_size, embed_dim, hidden_dim, encoder_layers):
        super().__init__()
        self.encoder = SeqEncoder(src_vocab_size, embed_dim, hidden_dim, encoder_layers)
        self.decoder = TrainingDecoder(tgt_vocab_size, embed_dim, hidden_dim)

    def forward(self, src_tokens, tgt_tokens, teacher_forcing=False):
        context = self.encoder(src_tokens)
        if not teacher_forcing:
            return self.decoder(context, tgt_tokens)
        cell, embedding = self.decoder.cell, self.decoder.embedding
        cell.hidden_state = context
        tokens, loss = [int(tgt_tokens[0])], 0
        for i in range(len(tgt_tokens) - 1):
            log_probs = cell(embedding(tgt_tokens[i + 1]))
            loss = loss - log_probs[tgt_tokens[i + 1]]
            tokens.append(int(log_probs.argmax()))
        return tokens, loss
