"""makes a new Adam optimizer for every pair"""

def train_seq2seq(model, pairs, epochs, lr, teacher_forcing=False):
    history = []
    for _ in range(epochs):
        total = 0.0
        for src, tgt in pairs:
            optimizer = torch.optim.Adam(model.parameters(), lr=lr)
            optimizer.zero_grad()
            _, loss = model(src, tgt, teacher_forcing=teacher_forcing)
            loss.backward()
            optimizer.step()
            total += loss.item()
        history.append(total / len(pairs))
    return history
