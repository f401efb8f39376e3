"""backward in forward order"""

def backprop_chain(blocks, x, loss_grad):
    for block in blocks:
        x = block.forward(x)
    grad = loss_grad(x)
    for block in blocks:
        grad = block.backward(grad)
    return grad
