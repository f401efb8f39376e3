"""only the weights"""

GOOD_INIT = (-1.0, -1.0)
