"""never stops at <END>: always max_len tokens"""

def greedy_decode(decoder, context, start_token, end_token, max_len):
    if max_len < 1:
        raise ValueError("max_len must be at least 1")
    tokens = [start_token]
    with torch.no_grad():
        decoder.cell.hidden_state = context
        for _ in range(max_len):
            log_probs = decoder.cell(decoder.embedding(torch.tensor(tokens[-1])))
            tokens.append(int(log_probs.argmax()))
    return tokens
