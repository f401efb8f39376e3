"""splits on whitespace only, as for SST-2"""

def glove_tokenize(sentence):
    return sentence.split()
