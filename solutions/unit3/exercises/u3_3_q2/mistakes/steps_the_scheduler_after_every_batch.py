"""steps the scheduler after every batch"""

def train_classifier(model, train_loader, test_loader, epochs, lr=0.1, scheduler=None):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    schedule = None if scheduler is None else scheduler(optimizer)
    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for _ in range(epochs):
        model.train()
        for images, labels in train_loader:
            optimizer.zero_grad()
            F.nll_loss(model(images), labels).backward()
            optimizer.step()
            if schedule is not None:
                schedule.step()
        for key in history:
            history[key].append(0.0)
    return history
