"""feeds <START> at every step instead of the previous prediction"""

def greedy_decode(decoder, context, start_token, end_token, max_len):
    if max_len < 1:
        raise ValueError("max_len must be at least 1")
    tokens = [start_token]
    with torch.no_grad():
        decoder.cell.hidden_state = context
        for _ in range(max_len):
            log_probs = decoder.cell(decoder.embedding(torch.tensor(start_token)))
            tokens.append(int(log_probs.argmax()))
            if tokens[-1] == end_token:
                break
    return tokens
