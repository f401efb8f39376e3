"""second-layer weights of opposite signs"""

def non_monotone_state_dict():
    model = nn.Sequential(nn.Linear(784, 20), nn.ReLU(), nn.Linear(20, 10), nn.LogSoftmax(dim=1))
    state = {name: torch.zeros_like(t) for name, t in model.state_dict().items()}
    state['0.weight'][0, 0], state['0.weight'][1, 0] = 1.0, -1.0
    state['2.weight'][0, 0], state['2.weight'][0, 1] = 1.0, -1.0
    return state
