"""runs each block forward again before its backward"""

def backprop_chain(blocks, x, loss_grad):
    inputs = []
    for block in blocks:
        inputs.append(x)
        x = block.forward(x)
    grad = loss_grad(x)
    for block, seen in zip(reversed(blocks), reversed(inputs)):
        block.forward(seen)  # refresh what the block keeps
        grad = block.backward(grad)
    return grad
