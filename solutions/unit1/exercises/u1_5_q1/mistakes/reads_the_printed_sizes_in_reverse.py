"""reads the printed sizes in reverse"""

ans_u1_5_q1 = {'AB': (3, 2, 1, 2), 'AC': None, 'AD': (2, 5, 2), 'AE': (2, 1, 2), 'AF': None,
    'BC': None, 'BD': (3, 1, 5, 2), 'BE': (3, 1, 1, 2), 'BF': None, 'CD': (5, 5), 'CE': (1, 5),
    'CF': (3, 5), 'DE': (5, 1), 'DF': None, 'EF': (3, 5)}
