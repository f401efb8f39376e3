"""the sum instead of the mean"""

def full_dataset_cost(model, X, labels):
    with torch.no_grad():
        p = model(X)
        return -torch.log(p[torch.arange(len(labels)), labels]).sum().item()
