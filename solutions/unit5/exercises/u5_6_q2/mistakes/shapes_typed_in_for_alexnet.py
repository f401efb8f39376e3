"""walks AlexNet's known layers by hand, with the flattened width typed in"""

def layer_shapes(model, x):
    shapes = []
    with torch.no_grad():
        for index, layer in enumerate(model.features):
            x = layer(x)
            shapes.append((f"features.{index}", tuple(x.shape)))
        x = x.reshape(x.shape[0], 9216)
        shapes.append(("flatten", tuple(x.shape)))
        for index, layer in enumerate(model.classifier):
            x = layer(x)
            shapes.append((f"classifier.{index}", tuple(x.shape)))
    return shapes
