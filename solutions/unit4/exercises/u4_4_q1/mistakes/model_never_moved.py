"""moves every batch but never the model"""

def train_classifier(model, train_loader, test_loader, epochs, lr=0.1, device=None):
    device = get_device() if device is None else device
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for _ in range(epochs):
        model.train()
        seen, right, total = 0, 0, 0.0
        for images, labels in train_loader:
            images, labels = images.to(device), labels.to(device)
            optimizer.zero_grad()
            log_probs = model(images)
            loss = F.nll_loss(log_probs, labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            right += (log_probs.argmax(dim=1) == labels).sum().item()
            seen += len(labels)
        history["train_loss"].append(total / seen)
        history["train_acc"].append(right / seen)
        model.eval()
        seen, right, total = 0, 0, 0.0
        with torch.no_grad():
            for images, labels in test_loader:
                images, labels = images.to(device), labels.to(device)
                log_probs = model(images)
                total += F.nll_loss(log_probs, labels).item() * len(labels)
                right += (log_probs.argmax(dim=1) == labels).sum().item()
                seen += len(labels)
        history["test_loss"].append(total / seen)
        history["test_acc"].append(right / seen)
    return history
