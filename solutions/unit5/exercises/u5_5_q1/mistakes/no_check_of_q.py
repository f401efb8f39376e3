"""accepts any q"""

def same_padding(q):
    before = (q - 1) // 2
    return before, q - 1 - before
