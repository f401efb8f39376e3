"""the slope upside down: d0 / d1"""

def ae_output_line(encoder, decoder):
    d, c = decoder.weight.detach()[:, 0], decoder.bias.detach()
    if d[0] == 0:
        raise ValueError("vertical line")
    slope = d[0] / d[1]
    return float(slope), float(c[1] - slope * c[0])
