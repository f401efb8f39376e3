"""keeps the factor 2 of the squares' derivative (2n)"""

def sse_grad_ratio(n):
    return 2.0 * n
