"""chooses the device once, when the cell runs"""

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def get_device():
    return DEVICE
