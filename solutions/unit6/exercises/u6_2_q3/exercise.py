"""u6.2.q3: Frozen GloVe embeddings."""

import torch

from autograder.exercises import Case, Exercise, accuracy, answer, fixture, hidden_only, kept, layers, mistake, output
from autograder.exercises import using
from autograder_units.unit6.common import (
    WEIGHTS, build, describe, dev_set, drawn_weights, glove_matrix, load, predictions, random_sentences, sentence_list,
    training_sample, encoded,
)

CLASS = "GloveSumClassify"
HEAD = {"linear.weight": (2, 50), "linear.bias": (2,)}


def vectors(d, vocab: int) -> torch.Tensor:
    """A (vocab, 50) table like GloVe's rows for a vocabulary: every third word unknown (zeros)."""
    table = d.randn(vocab, 50) * 0.5
    table[torch.arange(vocab) % 3 == 2] = 0
    return table


def head_cases(d):
    vocab = d.py.randint(20, 50)
    table = vectors(d, vocab)
    cases = []
    for sentence in random_sentences(d, vocab, 4, 12):
        names, tensors = drawn_weights(d, HEAD)
        cases.append(Case((build(CLASS, table, what=f"{CLASS}(a ({vocab}, 50) table)"), load(names, tensors),
                           using(f"{WEIGHTS}.layer_report", kept("model"), sentence, ["linear"],
                                 label=f"the layers of {CLASS} on {describe(sentence)}")),
                          label=f"{CLASS} with the course's head weights, on {describe(sentence)}"))
    return cases


def frozen_cases(d):
    vocab = d.py.randint(20, 50)
    table = vectors(d, vocab)
    sentence = random_sentences(d, vocab, 1, 10)[0]
    return [Case((build(CLASS, table, what=f"{CLASS}(a ({vocab}, 50) table)"),
                  using(f"{WEIGHTS}.frozen_table", kept("model"), table, sentence, d.py.randint(0, 1),
                        label="its trainable parameters, and its table after an Adam step")),
                 label=f"{CLASS}(a ({vocab}, 50) table)")]


# Calibration of "accuracy on dev sentences" (`autograder calibrate unit6 u6.2.q3 --seeds 10`, the
# 10,000-word GloVe subset): 0.667 +- 0.018 (0.640 .. 0.685); full marks from 0.60, nothing at 0.51 or
# less (the majority rate is 0.509), with a small weight. Quick budget: 0.632 +- 0.029 (0.583 .. 0.667);
# full marks from 0.54, nothing at 0.45. The grader trains the head itself (the exercise asks for the model only): the
# course's vocabulary with the rows of the course's GloVe file, 300 Adam steps on the mean loss of
# 64 sentences (lr 0.003) drawn among 8,000 training sentences, the 872 dev sentences scored.
# Steps of 32 sentences at lr 0.01 swung between 0.52 and 0.68 (10 seeds); these settings gave
# 0.666 +- 0.013 over 6 seeds in a first trial. The verified note: with the 10,000-word subset a
# linear model on summed vectors reaches at most about 0.69, so the bar sits just above the
# majority rate (0.509). Quick budget (tests): 100 steps of 32 sentences among 2,000.
def dev_accuracy(d):
    count, steps, batch = (2_000, 100, 32) if d.quick else (8_000, 300, 64)
    train, labels = encoded(training_sample(d, count))
    dev, dev_labels = dev_set(d)
    what = f"{steps} Adam steps of {batch} sentences (lr 0.003) among {count:,} training sentences"
    calls = (build(CLASS, glove_matrix(), what=f"{CLASS}(the vocabulary's GloVe vectors)"),
             sentence_list("train", train, f"{count:,} training sentences"),
             fixture("judge_models.train_in_minibatches", kept("model"), kept("train"), labels, steps, batch, 0.003,
                     d.child_seed(), keep_as="trained", label=f"the grader's training: {what}"),
             sentence_list("dev", dev, "the 872 dev sentences"),
             predictions("model", "dev", "the trained model's log-probabilities for the dev sentences"))
    return [Case(calls, label=f"{CLASS} with GloVe vectors, its head trained with {what}", held=dev_labels)]


EXERCISE = Exercise(
    "u6.2.q3", "Frozen GloVe embeddings", [CLASS, "ans_u6_2_q3"],
    checks=[
        layers("log-probabilities with the course's head", CLASS, head_cases, weight=3),
        output("only the head trains", CLASS, frozen_cases, weight=3),
        hidden_only(accuracy("accuracy on dev sentences", CLASS, dev_accuracy, weight=1, full_at=0.60, zero_at=0.51,
                             quick=(0.54, 0.45), predictions="scores", what="held-out SST-2 dev sentences",
                             case_seconds=120)),
        answer("faster, and why less accurate", "ans_u6_2_q3", weight=3, choices="ABCD"),
    ],
    mistakes=[
        mistake("averages_the_vectors", fails=["log-probabilities with the course's head"], says="first differs"),
        mistake("table_trains_too", fails=["only the head trains"], says="trainable parameters"),
        mistake("wrong_reason", fails=["faster, and why less accurate"]),
    ],
)
