"""u6.3.q2: Removing the hidden-state reset."""

from autograder.exercises import Call, Case, Exercise, answer, mistake, prop
from autograder_units.unit6.common import build, describe, random_sentences

RNN = "RNNClassifier"


def history_cases(d):
    """The same sentence B twice in a row, then after another sentence A: the reset makes the
    three outputs equal (what can be observed of it)."""
    cases = []
    for _ in range(2):
        vocab, embed, hidden = d.py.randint(20, 50), d.py.randint(3, 8), d.py.randint(4, 10)
        first, second = random_sentences(d, vocab, 4, 9, with_zero=False)[2:]
        cases.append(Case((build(RNN, vocab, embed, hidden, what=f"{RNN}({vocab}, {embed}, {hidden})"),
                           Call((second,), target="$model", label=f"sentence B, {describe(second)}"),
                           Call((second,), target="$model", label="sentence B again, right after it"),
                           Call((first,), target="$model", quiet=True, label=f"sentence A, {describe(first)}"),
                           Call((second,), target="$model", label="sentence B after sentence A")),
                          label=f"{RNN}({vocab}, {embed}, {hidden}) on a sentence B, again, and after a sentence A"))
    return cases


# `autograder calibrate unit6 u6.3.q2 --seeds 10`: the reference passed 20 of 20 cases; a classifier
# without the reset fails it at the second call (verified note: the forward-twice check catches it).
EXERCISE = Exercise(
    "u6.3.q2", "Removing the hidden-state reset", ["ans_u6_3_q2a", "ans_u6_3_q2b", RNN],
    uses={RNN: "u6.3.q1"},
    checks=[
        prop("the output does not depend on the sentence before", RNN, history_cases, "outputs_agree", weight=4),
        answer("what happens without the reset", "ans_u6_3_q2a", weight=3, choices="ABCD"),
        answer("why the reset is needed", "ans_u6_3_q2b", weight=3, choices="ABCD"),
    ],
    mistakes=[
        mistake("no_reset", fails=["the output does not depend on the sentence before"],
                says="sentence B again, right after it"),
        mistake("the_first_token_overwrites_it", fails=["what happens without the reset"]),
        mistake("reset_to_save_memory", fails=["why the reset is needed"]),
    ],
)
