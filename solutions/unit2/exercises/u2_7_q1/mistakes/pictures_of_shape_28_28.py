"""pictures of shape (28, 28)"""

def load_minibatch(dataset, batch_size=16, seed=None):
    g = torch.Generator().manual_seed(seed or 0)
    chosen = torch.randperm(len(dataset), generator=g)[:batch_size].tolist()
    to_float = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])
    items = [dataset[i] for i in chosen]
    images = torch.stack([to_float(img).as_subclass(torch.Tensor) for img, _ in items]).squeeze(1)
    return images, torch.tensor([int(lab) for _, lab in items])
