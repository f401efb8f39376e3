"""counts the weights but not the biases"""

def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.dim() > 1)


ans_u5_6_q3 = 61_090_496
