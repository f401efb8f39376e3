"""a new scheduler every epoch"""

def train_classifier(model, train_loader, test_loader, epochs, lr=0.1, scheduler=None):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for _ in range(epochs):
        model.train()
        for images, labels in train_loader:
            optimizer.zero_grad()
            F.nll_loss(model(images), labels).backward()
            optimizer.step()
        for key in history:
            history[key].append(0.0)
        if scheduler is not None:
            scheduler(optimizer).step()
    return history
