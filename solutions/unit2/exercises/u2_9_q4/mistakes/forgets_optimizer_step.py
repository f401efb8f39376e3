"""forgets optimizer.step()"""

def train_moons_neuron(X, Y):
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    nn.init.zeros_(model[0].weight)
    nn.init.zeros_(model[0].bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(500):
        optimizer.zero_grad()
        nn.functional.binary_cross_entropy(model(X).reshape(-1), Y).backward()
    return model
