"""the sign of the cost flipped"""

def tiny_backward(params, x, target):
    z1 = params["0.weight"] @ x + params["0.bias"]
    a1 = torch.relu(z1)
    z2 = params["2.weight"] @ a1 + params["2.bias"]
    a2 = torch.relu(z2)
    y = torch.sigmoid(params["4.weight"] @ a2 + params["4.bias"])
    d3 = target - y
    d2 = (params["4.weight"].T @ d3) * (z2 > 0)
    d1 = (params["2.weight"].T @ d2) * (z1 > 0)
    return {"0.weight": torch.outer(d1, x), "0.bias": d1, "2.weight": torch.outer(d2, a1), "2.bias": d2,
            "4.weight": torch.outer(d3, a2), "4.bias": d3}
