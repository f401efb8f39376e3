"""accepts max_len < 1"""

def greedy_decode(decoder, context, start_token, end_token, max_len):
    tokens = [start_token]
    with torch.no_grad():
        decoder.cell.hidden_state = context
        for _ in range(max_len):
            log_probs = decoder.cell(decoder.embedding(torch.tensor(tokens[-1])))
            tokens.append(int(log_probs.argmax()))
            if tokens[-1] == end_token:
                break
    return tokens
