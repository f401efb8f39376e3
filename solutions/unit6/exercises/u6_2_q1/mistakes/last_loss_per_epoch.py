"""reports the last sentence's loss for each epoch, not the mean"""

def train_sentence_classifier(model, sentences, labels, epochs, lr):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        for tokens, label in zip(sentences, labels):
            optimizer.zero_grad()
            loss = F.nll_loss(model(tokens).unsqueeze(0), torch.tensor([label]))
            loss.backward()
            optimizer.step()
        history.append(loss.item())
    return history
