"""no ReLU between the layers"""

def train_moons_deep(X, Y):
    model = nn.Sequential(nn.Linear(2, 16), *[nn.Linear(16, 16) for _ in range(5)], nn.Linear(16, 1), nn.Sigmoid())
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(1000):
        optimizer.zero_grad()
        F.binary_cross_entropy(model(X).reshape(-1), Y).backward()
        optimizer.step()
    return model
