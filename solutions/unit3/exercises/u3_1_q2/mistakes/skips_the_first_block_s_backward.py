"""skips the first block's backward"""

def backprop_chain(blocks, x, loss_grad):
    for block in blocks:
        x = block.forward(x)
    grad = loss_grad(x)
    for block in reversed(blocks[1:]):
        grad = block.backward(grad)
    return grad
