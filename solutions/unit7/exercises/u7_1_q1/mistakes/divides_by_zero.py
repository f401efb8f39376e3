"""does not check for a vertical line"""

def ae_output_line(encoder, decoder):
    d, c = decoder.weight.detach()[:, 0], decoder.bias.detach()
    slope = d[1] / d[0]
    return float(slope), float(c[1] - slope * c[0])
