"""new parameters instead of in place"""

def xavier_uniform_init_(model):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            a = math.sqrt(6 / (m.in_features + m.out_features))
            m.weight = nn.Parameter(torch.rand(m.out_features, m.in_features) * 2 * a - a)
            m.bias = nn.Parameter(torch.zeros(m.out_features))
    return model
