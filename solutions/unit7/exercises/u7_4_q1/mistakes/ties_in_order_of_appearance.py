"""orders tokens of equal count as they first appear (Counter.most_common)"""

def build_vocab(tokenized, specials, min_freq=1):
    counts = collections.Counter(t for sentence in tokenized for t in sentence)
    kept = [t for t, n in counts.most_common() if n >= min_freq and t not in specials]
    return {t: i for i, t in enumerate(list(specials) + kept)}
