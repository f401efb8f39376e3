"""splits on single spaces (split(" ")), which leaves empty tokens"""

import re


def glove_tokenize(sentence):
    tokens = []
    for word in sentence.lower().split(" "):
        for piece in re.findall(r"[^.,!?;:]+|[.,!?;:]", word) or [word]:
            match = re.fullmatch(r"(.+?)(n't|'s|'re|'ll|'ve|'m|'d)", piece)
            tokens += [match.group(1), match.group(2)] if match else [piece]
    return tokens
