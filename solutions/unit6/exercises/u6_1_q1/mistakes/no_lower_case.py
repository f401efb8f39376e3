"""keeps upper-case letters"""

def glove_tokenize(sentence):
    tokens = []
    for word in sentence.split():
        pieces, piece = [], ""
        for ch in word:
            if ch in ".,!?;:":
                if piece:
                    pieces.append(piece)
                    piece = ""
                pieces.append(ch)
            else:
                piece += ch
        if piece:
            pieces.append(piece)
        for p in pieces:
            clitic = next((c for c in ("n't", "'s", "'re", "'ll", "'ve", "'m", "'d")
                           if p.lower().endswith(c) and len(p) > len(c)), None)
            tokens += [p[: -len(clitic)], p[-len(clitic):]] if clitic else [p]
    return tokens
