"""splits don't into don + 't instead of do + n't"""

import re


def glove_tokenize(sentence):
    tokens = []
    for word in sentence.lower().split():
        for piece in re.findall(r"[^.,!?;:]+|[.,!?;:]", word):
            match = re.fullmatch(r"(.+?)('s|'t|'re|'ll|'ve|'m|'d)", piece)
            tokens += [match.group(1), match.group(2)] if match else [piece]
    return tokens
