"""only the top-level layers"""

def xavier_uniform_init_(model):
    for m in model.children():
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model
