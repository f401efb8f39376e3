"""shuffles the pairs every epoch"""

def train_seq2seq(model, pairs, epochs, lr, teacher_forcing=False):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        total = 0.0
        for index in torch.randperm(len(pairs)).tolist():
            src, tgt = pairs[index]
            optimizer.zero_grad()
            _, loss = model(src, tgt, teacher_forcing=teacher_forcing)
            loss.backward()
            optimizer.step()
            total += loss.item()
        history.append(total / len(pairs))
    return history
