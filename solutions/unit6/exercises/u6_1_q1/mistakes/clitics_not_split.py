"""leaves clitics on their words (it's, don't)"""

def glove_tokenize(sentence):
    tokens = []
    for word in sentence.lower().split():
        piece = ""
        for ch in word:
            if ch in ".,!?;:":
                if piece:
                    tokens.append(piece)
                    piece = ""
                tokens.append(ch)
            else:
                piece += ch
        if piece:
            tokens.append(piece)
    return tokens
