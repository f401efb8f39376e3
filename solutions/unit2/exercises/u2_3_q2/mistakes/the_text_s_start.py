"""the text's start"""

GOOD_INIT = (1.0, -1.0, 5.5)
