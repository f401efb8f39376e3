"""train_seq2seq accepts teacher_forcing but never passes it on"""

def train_seq2seq(model, pairs, epochs, lr, teacher_forcing=False):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        total = 0.0
        for src, tgt in pairs:
            optimizer.zero_grad()
            _, loss = model(src, tgt)
            loss.backward()
            optimizer.step()
            total += loss.item()
        history.append(total / len(pairs))
    return history
