"""names of a module of its own"""

def non_monotone_state_dict():
    state = {'hidden.weight': torch.zeros(20, 784), 'hidden.bias': torch.zeros(20),
             'out.weight': torch.zeros(10, 20), 'out.bias': torch.zeros(10)}
    state['hidden.weight'][0, 0], state['hidden.weight'][1, 0] = 1.0, -1.0
    state['out.weight'][0, 0], state['out.weight'][0, 1] = 1.0, 1.0
    return state
