"""the intercept with the wrong sign: c1 + slope c0"""

def ae_output_line(encoder, decoder):
    d, c = decoder.weight.detach()[:, 0], decoder.bias.detach()
    if d[0] == 0:
        raise ValueError("vertical line")
    slope = d[1] / d[0]
    return float(slope), float(c[1] + slope * c[0])
