"""the accuracies as percentages"""

ans_u7_1_q2 = {"a_code": 100.0, "a_neuron": 100.0, "b_code": 100.0, "b_neuron": 100.0}
