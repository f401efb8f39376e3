"""u6.3.q1: An RNN classifier, overfitted on a tiny training set."""

import torch

from autograder.exercises import Call, Case, Exercise, fixture, hidden_only, kept, layers, mistake, output, prop
from autograder_units.unit6.common import (
    build, cell_shapes, drawn_weights, encode, grads_case, layer_case, load, predictions,
    random_sentences, sentence_list, sst2, trainer_case,
)

CELL, RNN, DEEP, FASTER, TRAINER = "MyRNNCell", "RNNClassifier", "DeepRNNClassifier", "FasterDeepRNNClassifier", "train_rnn"
ARTIFACTS = [CELL, RNN, DEEP, FASTER, TRAINER]


def rnn_shapes(vocab: int, embed: int, hidden: int) -> dict[str, tuple[int, ...]]:
    shapes = {"embedding.weight": (vocab, embed)}
    shapes.update(cell_shapes("cell.", embed, hidden))
    shapes.update({"linear.weight": (2, hidden), "linear.bias": (2,)})
    return shapes


def deep_shapes(vocab: int, embed: int, hidden: int) -> dict[str, tuple[int, ...]]:
    shapes = {"embedding.weight": (vocab, embed)}
    shapes.update(cell_shapes("cell1.", embed, hidden))
    shapes.update(cell_shapes("cell2.", hidden, hidden))
    shapes.update({"linear.weight": (2, hidden), "linear.bias": (2,)})
    return shapes


def faster_shapes(vocab: int, embed: int, hidden: int, layers_: int) -> dict[str, tuple[int, ...]]:
    """nn.RNN's parameters in its own order (the notebook's DEEP_TO_FASTER maps the deep
    classifier's cells onto them: input_linear -> *_ih_l<k>, hidden_linear -> *_hh_l<k>)."""
    shapes = {"embedding.weight": (vocab, embed)}
    for k in range(layers_):
        shapes.update({f"rnn.weight_ih_l{k}": (hidden, embed if k == 0 else hidden), f"rnn.weight_hh_l{k}": (hidden, hidden),
                       f"rnn.bias_ih_l{k}": (hidden,), f"rnn.bias_hh_l{k}": (hidden,)})
    shapes.update({"linear.weight": (2, hidden), "linear.bias": (2,)})
    return shapes


def sizes(d):
    return d.py.randint(20, 50), d.py.randint(3, 8), d.py.randint(4, 10)


def cell_steps(d):
    """Ten inputs through the course's weights in the student's cell: its hidden_state after
    every step (from zeros, then from a given state)."""
    cases = []
    for start in (None, "given"):
        embed, hidden = d.py.randint(3, 8), d.py.randint(4, 10)
        names, tensors = drawn_weights(d, cell_shapes("", embed, hidden))
        calls = [build(CELL, embed, hidden, what=f"{CELL}({embed}, {hidden})"), load(names, tensors)]
        if start:
            calls.append(fixture("weights.set_state", kept("model"), torch.tanh(d.randn(hidden)), keep_as="ignored",
                                 label="hidden_state set to a given state"))
        for t in range(1, 11):
            calls.append(Call((d.randn(embed),), target="$model", quiet=True, label=f"cell(x) at time step {t}"))
            calls.append(Call(target="$model.hidden_state", read_only=True,
                              label=f"hidden_state after time step {t} of 10"))
        what = "from zeros" if start is None else "from a given state"
        cases.append(Case(tuple(calls), label=f"{CELL}({embed}, {hidden}) with the course's weights, 10 steps {what}"))
    return cases


def rnn_layers(d):
    vocab, embed, hidden = sizes(d)
    return [layer_case(d, RNN, (vocab, embed, hidden), rnn_shapes(vocab, embed, hidden), s, ["cell", "linear"], RNN)
            for s in random_sentences(d, vocab, 3, 10)]


def deep_layers(d):
    vocab, embed, hidden = sizes(d)
    return [layer_case(d, DEEP, (vocab, embed, hidden), deep_shapes(vocab, embed, hidden), s,
                       ["cell1", "cell2", "linear"], DEEP) for s in random_sentences(d, vocab, 2, 10)]


def faster_layers(d):
    cases = []
    for layers_ in (2, 3):
        vocab, embed, hidden = sizes(d)
        for s in random_sentences(d, vocab, 2, 10):
            cases.append(layer_case(d, FASTER, (vocab, embed, hidden, layers_), faster_shapes(vocab, embed, hidden, layers_),
                                    s, ["rnn", "linear"], FASTER))
    return cases


def rnn_grads(d):
    vocab, embed, hidden = sizes(d)
    return [grads_case(d, RNN, (vocab, embed, hidden), rnn_shapes(vocab, embed, hidden), s, d.py.randint(0, 1))
            for s in random_sentences(d, vocab, 2, 10)]


def first_steps(d):
    """Two short runs, and one with larger steps (lr 0.2, 2 epochs of 20 sentences), after which
    many predictions differ from those made before each step, which the training accuracy counts
    (an accuracy counted after each step gave the same numbers in 0 of 40 such runs, and in 3 of
    40 runs of 12 sentences at lr 0.5)."""
    return [trainer_case(d, TRAINER, 2, 0.01, 10, test=True), trainer_case(d, TRAINER, 1, 0.05, 6),
            trainer_case(d, TRAINER, 2, 0.2, 20)]


# Calibration of "it overfits" (`autograder calibrate unit6 u6.3.q1 --seeds 10`): passed 10 of 10; the
# gap between training and dev accuracy 0.488 +- 0.013 (0.469 .. 0.503), the training accuracy 1.0 and
# the dev accuracy at chance level every time, far from the bars (at least 0.95, a gap of 0.15). The budget: the student's RNNClassifier(V, 16, 32) trained with train_rnn for 15 epochs,
# Adam lr 0.001, on 200 training sentences of 4 to 10 tokens drawn per run, V their own tokens plus
# <UNK>; the 872 dev sentences scored. The catalogue's 30 epochs of 4 to 12 tokens (20-50 s on a
# shared core) reach 100 % training accuracy after 15 epochs already (5 seeds), at half the cost.
# Quick budget (tests): 60 sentences, 10 epochs; passed 10 of 10, gap 0.499 +- 0.020 (0.475 .. 0.533).
def overfitting(d):
    count, epochs = (60, 10) if d.quick else (200, 15)
    sentences, labels = sst2("train")
    rows = [i for i, s in enumerate(sentences) if 4 <= len(s) <= 10]
    chosen = [rows[i] for i in torch.randperm(len(rows), generator=d.g)[:count].tolist()]
    own = {"<UNK>": 0}
    for i in chosen:
        for token in sentences[i]:
            own.setdefault(token, len(own))
    train = [encode(sentences[i], own) for i in chosen]
    train_labels = [labels[i] for i in chosen]
    dev_sentences, dev_labels = sst2("dev")
    order = torch.randperm(len(dev_sentences), generator=d.g).tolist()
    dev = [encode(dev_sentences[i], own) for i in order]
    held = torch.cat([torch.tensor(train_labels), torch.tensor([dev_labels[i] for i in order])])
    what = f"{epochs} epochs of {count} training sentences of 4 to 10 tokens, lr 0.001"
    calls = (build(RNN, len(own), 16, 32, what=f"{RNN}({len(own)}, 16, 32)"),
             sentence_list("train", train, f"{count} training sentences"),
             Call((kept("model", "the model"), kept("train", "the training sentences"), train_labels, epochs, 0.001),
                  target=TRAINER, quiet=True, label=f"{TRAINER} for {what}"),
             predictions("model", "train", "the trained model's log-probabilities for its training sentences"),
             sentence_list("dev", dev, "the 872 dev sentences"),
             predictions("model", "dev", "the trained model's log-probabilities for the dev sentences"))
    return [Case(calls, label=f"{RNN}({len(own)}, 16, 32) trained with {TRAINER} for {what}", held=held)]


EXERCISE = Exercise(
    "u6.3.q1", "An RNN classifier, overfitted on a tiny training set", ARTIFACTS,
    manual="the plot of the training and test error per epoch",
    checks=[
        output("hidden states of MyRNNCell", CELL, cell_steps, weight=3),
        layers("RNNClassifier, time step by time step", RNN, rnn_layers, weight=3),
        output("gradients of RNNClassifier", RNN, rnn_grads, weight=2),
        layers("DeepRNNClassifier, time step by time step", DEEP, deep_layers, weight=2),
        layers("FasterDeepRNNClassifier", FASTER, faster_layers, weight=2),
        output("first steps and history", TRAINER, first_steps, weight=3, trajectory=True, case_seconds=30,
               rtol=1e-4, atol=1e-6),
        hidden_only(prop("it overfits", TRAINER, overfitting, "overfits", weight=3, case_seconds=150,
                         min_train=0.95, min_gap=0.15)),
    ],
    mistakes=[
        mistake("cell_relu", fails=["hidden states of MyRNNCell", "RNNClassifier, time step by time step",
                                    "gradients of RNNClassifier", "DeepRNNClassifier, time step by time step"],
                says="hidden_state after time step 1 of 10"),
        mistake("cell_forgets_the_state", fails=["hidden states of MyRNNCell", "RNNClassifier, time step by time step",
                                                 "gradients of RNNClassifier", "DeepRNNClassifier, time step by time step"],
                says="hidden_state after time step 2 of 10"),
        mistake("classifies_the_mean_state", fails=["RNNClassifier, time step by time step", "gradients of RNNClassifier"],
                says="first differs after layer `linear`"),
        mistake("padding_idx_zero", fails=["gradients of RNNClassifier"], says="embedding.weight"),
        mistake("second_cell_input_mixed", fails=["DeepRNNClassifier, time step by time step"],
                says="cell2, time step 2"),
        mistake("batch_first_layout", fails=["FasterDeepRNNClassifier"], says="FasterDeepRNNClassifier"),
        mistake("train_rnn_without_zero_grad", fails=["first steps and history"], says="what it returns"),
        mistake("tests_in_train_mode", fails=["first steps and history"], says="test sentences seen in train mode"),
        mistake("accuracy_after_the_step", fails=["first steps and history"], says="train_acc"),
    ],
)
