"""leaves punctuation on the words (cool. stays one token)"""

def glove_tokenize(sentence):
    tokens = []
    for word in sentence.lower().split():
        clitic = next((c for c in ("n't", "'s", "'re", "'ll", "'ve", "'m", "'d")
                       if word.endswith(c) and len(word) > len(c)), None)
        tokens += [word[: -len(clitic)], clitic] if clitic else [word]
    return tokens
