"""one bias per hidden unit"""

def output_layer_shapes(hidden_dim, tgt_vocab_size):
    return (tgt_vocab_size, hidden_dim), (hidden_dim,)
