"""starts the chain with ToTensor, which refuses a tensor"""

def fmnist_augmentation():
    from torchvision import transforms
    return transforms.Compose([transforms.ToTensor(), transforms.RandomHorizontalFlip(0.5),
                               transforms.RandomRotation(10)])
