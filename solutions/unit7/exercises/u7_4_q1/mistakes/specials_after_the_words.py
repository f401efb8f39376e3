"""puts the special tokens after the words"""

def build_vocab(tokenized, specials, min_freq=1):
    counts = collections.Counter(t for sentence in tokenized for t in sentence)
    kept = sorted((t for t, n in counts.items() if n >= min_freq and t not in specials), key=lambda t: (-counts[t], t))
    return {t: i for i, t in enumerate(kept + list(specials))}
