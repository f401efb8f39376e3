"""uint8 pictures not scaled"""

def load_minibatch(dataset, batch_size=16, seed=None):
    g = torch.Generator()
    g.manual_seed(seed if seed is not None else 0)
    chosen = torch.randperm(len(dataset), generator=g)[:batch_size].tolist()
    to_float = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32)])
    items = [dataset[i] for i in chosen]
    images = torch.stack([to_float(img).as_subclass(torch.Tensor) for img, _ in items])
    return images, torch.tensor([int(lab) for _, lab in items])
