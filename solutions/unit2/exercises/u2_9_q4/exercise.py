"""u2.9.q4: Two moons: a single neuron against a deeper model."""

import torch
from sklearn.datasets import make_moons

from autograder.exercises import Exercise, accuracy, answer, case, mistake, output, trained


def moons(d, n: int, noise: float = 0.1) -> tuple[torch.Tensor, torch.Tensor]:
    X, Y = make_moons(n_samples=n, noise=noise, random_state=d.py.randrange(100_000))
    return torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.int64)


def moons_data_cases(d):
    return [case(), case(50, 0.2, 3),
            case(n=d.py.randrange(20, 300), noise=round(d.py.uniform(0.0, 0.3), 2), seed=d.py.randrange(1000))]


def held_out_moons(d):
    X, Y = moons(d, 200)
    T, L = moons(d, 1000)
    return [trained(X, Y.to(torch.float32), inputs=T, labels=L,
                    label="200 fresh training points, scored on 1,000 held-out points (noise 0.1)")]


# Calibration (`autograder calibrate unit2 u2.9.q4 --seeds 10`: the reference over 10 seeds, each
# with its own training and held-out moons):
#   neuron 0.8808 +- 0.0036 (0.874 .. 0.886), a straight line. Bars from the catalogue, full marks
#     from 0.80 and at most 0.92, so that an honest neuron trained another way passes and a hidden
#     deeper model does not; nothing at 0.65 (about where a half-trained line starts).
#   deeper model 0.9979 +- 0.0013 (0.995 .. 0.999). Full marks from 0.97 (the catalogue, room for
#     other architectures and budgets; the suggested 0.99 would reject honest variants), nothing
#     at 0.88 or less: what a straight line reaches, so a model without ReLU earns nothing.
EXERCISE = Exercise(
    "u2.9.q4", "Two moons: a single neuron against a deeper model",
    ["make_moons_data", "train_moons_neuron", "train_moons_mlp", "ans_u2_9_q4c", "ans_u2_9_q4e"],
    manual="the plot of both decision boundaries over the data",
    checks=[
        # the catalogue fixes no dtype: float64 points (from NumPy) and int64 labels are as right
        output("the moons", "make_moons_data", moons_data_cases, weight=1, dtype="any"),
        accuracy("neuron on held-out moons", "train_moons_neuron", held_out_moons, weight=3,
                 full_at=0.80, zero_at=0.65, at_most=0.92),
        accuracy("deeper model on held-out moons", "train_moons_mlp", held_out_moons, weight=4,
                 full_at=0.97, zero_at=0.88),
        answer("is the neuron successful", "ans_u2_9_q4c", choices="ABCD", weight=1),
        answer("why the deeper model does better", "ans_u2_9_q4e", choices="ABCD", weight=1),
    ],
    mistakes=[
        mistake("forgets_optimizer_step", fails=["neuron on held-out moons"], says="full marks from 80%"),
        mistake("a_deeper_model_without_relu", fails=["deeper model on held-out moons"], says="full marks from 97%"),
        mistake("scores_instead_of_probabilities", fails=["deeper model on held-out moons"],
                says="expected probabilities between 0 and 1"),
        mistake("the_deeper_model_handed_in_as_the_neuron", fails=["neuron on held-out moons"],
                says="more than the asked model can reach"),
        mistake("the_seed_is_ignored", fails=["the moons"], says="values differ"),
        mistake("more_parameters_always_fit_better", fails=["why the deeper model does better"],
                says="is not the right choice"),
    ],
)

