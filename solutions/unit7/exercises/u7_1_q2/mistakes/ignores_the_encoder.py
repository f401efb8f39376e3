"""a classifier on the raw points: the encoder is ignored"""

def train_code_classifier(encoder, X, Y, epochs=500):
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(epochs):
        optimizer.zero_grad()
        F.binary_cross_entropy(model(X).squeeze(1), Y).backward()
        optimizer.step()
    return model
