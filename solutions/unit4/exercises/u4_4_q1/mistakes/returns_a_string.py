"""returns the device's name, not a torch.device"""

def get_device():
    return "cuda" if torch.cuda.is_available() else "cpu"
