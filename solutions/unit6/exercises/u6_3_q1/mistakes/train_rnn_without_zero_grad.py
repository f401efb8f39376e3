"""never clears the gradients between steps"""

def train_rnn(model, sentences, labels, epochs, lr, test=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for _ in range(epochs):
        model.train()
        total, right = 0.0, 0
        for tokens, label in zip(sentences, labels):
            log_probs = model(tokens)
            loss = F.nll_loss(log_probs.unsqueeze(0), torch.tensor([label]))
            loss.backward()
            optimizer.step()
            total += loss.item()
            right += int(log_probs.argmax().item() == label)
        history["train_loss"].append(total / len(sentences))
        history["train_acc"].append(right / len(sentences))
        if test is not None:
            model.eval()
            with torch.no_grad():
                outputs = [(model(t), y) for t, y in zip(*test)]
            history["test_loss"].append(sum(-o[y].item() for o, y in outputs) / len(outputs))
            history["test_acc"].append(sum(int(o.argmax().item() == y) for o, y in outputs) / len(outputs))
    return history
