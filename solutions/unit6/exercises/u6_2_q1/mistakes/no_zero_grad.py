"""never clears the gradients between steps"""

def train_sentence_classifier(model, sentences, labels, epochs, lr):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        total = 0.0
        for tokens, label in zip(sentences, labels):
            loss = F.nll_loss(model(tokens).unsqueeze(0), torch.tensor([label]))
            loss.backward()
            optimizer.step()
            total += loss.item()
        history.append(total / len(sentences))
    return history
