"""keeps every token, whatever min_freq says"""

def build_vocab(tokenized, specials, min_freq=1):
    counts = collections.Counter(t for sentence in tokenized for t in sentence)
    kept = sorted((t for t in counts if t not in specials), key=lambda t: (-counts[t], t))
    return {t: i for i, t in enumerate(list(specials) + kept)}
