"""decodes with autograd tracking every step"""

def greedy_decode_attn(decoder, annotations, start_token, end_token, max_len):
    tokens, rows = [start_token], []
    decoder.cell.hidden_state = torch.zeros(annotations.shape[1])
    for _ in range(max_len):
        context, weights = dot_attention(decoder.cell.hidden_state, annotations, annotations)
        log_probs = decoder.cell(decoder.embedding(torch.tensor(tokens[-1])), context)
        tokens.append(int(log_probs.argmax()))
        rows.append(weights)
        if tokens[-1] == end_token:
            break
    return tokens, torch.stack(rows)
