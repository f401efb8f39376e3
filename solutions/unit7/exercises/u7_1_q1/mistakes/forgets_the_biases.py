"""forgets the decoder's bias: a line through the origin"""

def ae_output_line(encoder, decoder):
    d = decoder.weight.detach()[:, 0]
    if d[0] == 0:
        raise ValueError("vertical line")
    return float(d[1] / d[0]), 0.0
