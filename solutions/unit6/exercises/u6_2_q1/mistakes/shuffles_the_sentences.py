"""shuffles the sentences every epoch"""

def train_sentence_classifier(model, sentences, labels, epochs, lr):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        total = 0.0
        for i in torch.randperm(len(sentences)).tolist():
            optimizer.zero_grad()
            loss = F.nll_loss(model(sentences[i]).unsqueeze(0), torch.tensor([labels[i]]))
            loss.backward()
            optimizer.step()
            total += loss.item()
        history.append(total / len(sentences))
    return history
