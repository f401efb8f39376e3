"""includes the ½ of (λ/2)Σw²"""

def l2_penalty(model, include_bias=False):
    chosen = [p for name, p in model.named_parameters() if include_bias or "weight" in name]
    return sum((p ** 2).sum() for p in chosen) / 2
