"""trains on clean pictures: an autoencoder, not a denoising one"""

def train_dae(latent_dim, epochs, seed=0):
    torch.manual_seed(seed)
    pictures = load_pictures("FashionMNIST").to(DEVICE)
    dae = nn.Sequential(Encoder(latent_dim), Decoder(latent_dim)).to(DEVICE)
    optimizer = torch.optim.Adam(dae.parameters(), lr=1e-3)
    for _ in range(epochs):
        for rows in torch.randperm(len(pictures)).split(128):
            x = as_floats(pictures[rows.to(DEVICE)])
            optimizer.zero_grad()
            F.mse_loss(dae(x), x).backward()
            optimizer.step()
    return dae
