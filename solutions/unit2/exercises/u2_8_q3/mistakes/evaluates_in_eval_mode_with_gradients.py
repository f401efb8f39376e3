"""evaluates in eval mode but with gradients"""

def train_classifier(model, train_loader, test_loader, epochs, lr=0.1):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = {'train_loss': [], 'train_acc': [], 'test_loss': [], 'test_acc': []}
    for _ in range(epochs):
        model.train()
        seen, right, total = 0, 0, 0.0
        for images, labels in train_loader:
            optimizer.zero_grad()
            out = model(images)
            loss = F.nll_loss(out, labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            right += (out.argmax(dim=1) == labels).sum().item()
            seen += len(labels)
        history['train_loss'].append(total / seen)
        history['train_acc'].append(right / seen)
        seen, right, total = 0, 0, 0.0
        model.eval()
        if True:
            for images, labels in test_loader:
                out = model(images)
                total += F.nll_loss(out, labels).item() * len(labels)
                right += (out.argmax(dim=1) == labels).sum().item()
                seen += len(labels)
        history['test_loss'].append(total / seen)
        history['test_acc'].append(right / seen)
    return history
