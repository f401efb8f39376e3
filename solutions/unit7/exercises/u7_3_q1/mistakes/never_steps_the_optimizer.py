"""computes the gradients but never steps the optimizer"""

def train_conv_dae(epochs, seed=0):
    torch.manual_seed(seed)
    pictures = load_pictures("FashionMNIST")[:20_000].to(DEVICE)
    model = ConvDAE().to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        for rows in torch.randperm(len(pictures)).split(128):
            x = as_floats(pictures[rows.to(DEVICE)])
            optimizer.zero_grad()
            F.mse_loss(model(corrupt(x, 0.5)), x).backward()
    return model
