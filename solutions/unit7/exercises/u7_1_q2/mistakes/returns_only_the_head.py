"""returns only the head, which expects codes rather than points"""

def train_code_classifier(encoder, X, Y, epochs=500):
    with torch.no_grad():
        codes = encoder(X)
    head = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
    optimizer = torch.optim.Adam(head.parameters(), lr=0.05)
    for _ in range(epochs):
        optimizer.zero_grad()
        F.binary_cross_entropy(head(codes).squeeze(1), Y).backward()
        optimizer.step()
    return head
