"""penalises every parameter whatever include_bias says"""

def l2_penalty(model, include_bias=False):
    return sum((p ** 2).sum() for p in model.parameters())
