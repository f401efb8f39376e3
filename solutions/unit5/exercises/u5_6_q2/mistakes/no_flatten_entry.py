"""records the leaf layers only, without the flatten between features and classifier"""

def layer_shapes(model, x):
    shapes = []
    hooks = [module.register_forward_hook(lambda m, i, o, name=name: shapes.append((name, tuple(o.shape))))
             for name, module in model.named_modules() if name and not list(module.children())]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for hook in hooks:
            hook.remove()
    return shapes
