"""the weight as (hidden_dim, vocabulary): transposed"""

def output_layer_shapes(hidden_dim, tgt_vocab_size):
    return (hidden_dim, tgt_vocab_size), (tgt_vocab_size,)
