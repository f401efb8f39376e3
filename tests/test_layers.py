"""Layer-by-layer comparison: with the same weights loaded into the student's module, the
feedback names the first layer whose output differs; parameter counts come from the module."""

from __future__ import annotations

import torch
from torch import nn

from autograder.exercises import spec as S
from autograder.fixtures.modules import parameter_count
from test_rules import grade

MODULES = "autograder.fixtures.modules"


class Net(nn.Module):
    def __init__(self, pool: int = 2, width: int = 8):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(pool), nn.Conv2d(4, width, 3))
        self.head = nn.Linear(width * 3 * 3 if pool == 2 else width * 8 * 8, 5)

    def forward(self, x):
        return self.head(self.features(x).flatten(1))


class FunctionalRelu(Net):
    """The same network, written with F.relu instead of an nn.ReLU layer."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.MaxPool2d(2), nn.Conv2d(4, 8, 3))

    def forward(self, x):
        y = self.features[0](x).relu()
        return self.head(self.features[2](self.features[1](y)).flatten(1))


def cases(d):
    weights = [d.randn(4, 1, 3, 3) / 3, d.randn(4) / 3, d.randn(8, 4, 3, 3) / 6, d.randn(8) / 6,
               d.randn(5, 72) / 9, d.randn(5) / 9]
    return [S.sequence(S.Call(target="Model", keep_as="net", quiet=True, label="your network"),
                       S.using(f"{MODULES}.layer_report", S.kept("net"), d.randn(2, 1, 12, 12), weights,
                               label="each layer's output for two 12x12 pictures, with the course's weights"),
                       label="two 12x12 pictures")]


CHECK = S.layers("layer by layer", "Model", cases, scale=10)


def test_the_same_network_passes_whatever_its_layer_names():
    assert grade(CHECK, {"Model": Net}, {"Model": Net}) is None


def test_a_network_written_with_functional_activations_is_compared_on_its_output():
    assert grade(CHECK, {"Model": Net}, {"Model": FunctionalRelu}) is None


def test_the_first_layer_whose_output_differs_is_named_with_its_shape():
    class WrongPool(Net):
        def __init__(self):
            super().__init__()
            self.features[2] = nn.MaxPool2d(2, stride=1)

    message = grade(CHECK, {"Model": Net}, {"Model": WrongPool})
    assert "your output first differs after layer `features.2` (MaxPool2d): expected shape (2, 4, 5, 5), " \
           "got (2, 4, 9, 9)" in message


def test_a_module_whose_parameters_do_not_line_up_says_which():
    message = grade(CHECK, {"Model": Net}, {"Model": lambda: Net(width=6)})
    assert ("its parameter features.3.weight has shape (6, 4, 3, 3) where the course's layer at that place has "
            "(8, 4, 3, 3)") in message


def test_a_forward_pass_that_fails_later_still_names_the_first_layer_that_differs():
    class TooManyChannels(Net):
        def __init__(self):
            super().__init__()
            self.features[0] = nn.Conv2d(1, 4, 3, padding=1)

    message = grade(CHECK, {"Model": Net}, {"Model": TooManyChannels})
    assert "your output first differs after layer `features.0` (Conv2d): expected shape (2, 4, 10, 10), " \
           "got (2, 4, 12, 12)" in message


def test_parameters_are_counted_from_the_module():
    assert parameter_count(Net()) == 4 * 9 + 4 + 8 * 4 * 9 + 8 + 72 * 5 + 5
    frozen = Net()
    frozen.head.requires_grad_(False)
    assert parameter_count(frozen) == parameter_count(Net()) - 365
