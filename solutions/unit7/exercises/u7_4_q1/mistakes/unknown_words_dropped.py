"""leaves out words missing from the vocabulary instead of using <UNK>"""

def encode_pair(src, tgt, src_vocab, tgt_vocab):
    source = [src_vocab[t] for t in src.split() if t in src_vocab] + [src_vocab["<END>"]]
    target = [tgt_vocab["<START>"]] + [tgt_vocab[t] for t in tgt.split() if t in tgt_vocab] + [tgt_vocab["<END>"]]
    return torch.tensor(source), torch.tensor(target)
