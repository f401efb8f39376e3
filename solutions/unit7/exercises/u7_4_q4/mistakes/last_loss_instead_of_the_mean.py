"""records the last pair's loss of each epoch instead of the mean"""

def train_seq2seq(model, pairs, epochs, lr, teacher_forcing=False):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        for src, tgt in pairs:
            optimizer.zero_grad()
            _, loss = model(src, tgt, teacher_forcing=teacher_forcing)
            loss.backward()
            optimizer.step()
        history.append(loss.item())
    return history
