"""computes each step's attention after the cell update, with the new hidden state"""

def greedy_decode_attn(decoder, annotations, start_token, end_token, max_len):
    tokens, rows = [start_token], []
    with torch.no_grad():
        decoder.cell.hidden_state = torch.zeros(annotations.shape[1])
        context = annotations.mean(dim=0)
        for _ in range(max_len):
            log_probs = decoder.cell(decoder.embedding(torch.tensor(tokens[-1])), context)
            context, weights = dot_attention(decoder.cell.hidden_state, annotations, annotations)
            tokens.append(int(log_probs.argmax()))
            rows.append(weights)
            if tokens[-1] == end_token:
                break
    return tokens, torch.stack(rows)
