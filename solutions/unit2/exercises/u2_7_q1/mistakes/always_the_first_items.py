"""always the first items"""

def load_minibatch(dataset, batch_size=16, seed=None):
    chosen = range(batch_size)
    to_float = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])
    items = [dataset[i] for i in chosen]
    images = torch.stack([to_float(img).as_subclass(torch.Tensor) for img, _ in items])
    return images, torch.tensor([int(lab) for _, lab in items])
