"""the constant 0.1 of the text"""

def xavier_uniform_init_(model):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.constant_(m.weight, 0.1)
            nn.init.constant_(m.bias, 0.1)
    return model
