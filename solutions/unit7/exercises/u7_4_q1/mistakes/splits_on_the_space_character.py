"""splits on the space character only: split(" ")"""

def encode_pair(src, tgt, src_vocab, tgt_vocab):
    source = [src_vocab.get(t, src_vocab["<UNK>"]) for t in src.split(" ")] + [src_vocab["<END>"]]
    target = [tgt_vocab["<START>"]] + [tgt_vocab.get(t, tgt_vocab["<UNK>"]) for t in tgt.split(" ")] + [tgt_vocab["<END>"]]
    return torch.tensor(source), torch.tensor(target)
