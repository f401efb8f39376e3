"""the mean of |w| instead of the sum"""

def train_with_l1(lam, epochs, seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10), nn.ReLU(),
                          nn.Linear(10, 10), nn.LogSoftmax(dim=1))
    images, labels = as_tensors(fashion_mnist(train=True))
    loader = DataLoader(TensorDataset(images, labels), batch_size=256, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    weights = [p for name, p in model.named_parameters() if "weight" in name]
    for _ in range(epochs):
        for batch, targets in loader:
            optimizer.zero_grad()
            penalty = torch.cat([w.reshape(-1) for w in weights]).abs().mean()
            (F.nll_loss(model(batch), targets) + lam * penalty).backward()
            optimizer.step()
    return model
