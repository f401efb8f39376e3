"""u6.1.q1: A GloVe-compatible tokenisation."""

import torch

from autograder.exercises import Call, Case, Exercise, case, hidden_only, mistake, output, prop
from autograder_units.unit6.common import glove, glove_setting, raw_sentence, sst2

# the notebook's rules: lower-case, split on whitespace, every . , ! ? ; : a token of its own,
# and a clitic ('s n't 're 'll 've 'm 'd) split off the end of a word. The sentences avoid what
# the rules leave open ("can't", "...", "--", hyphens, a trailing "s'", "!!").
FIXED = [
    "It's cool", "It's cool.", "I don't like it, but she does!", "They're here; we'll see.",
    "You've GOT to be kidding?", "I'm   tired", "", "   ", "He'd say: wait!", "The film isn't bad, it's GREAT.",
    "Doesn't it?", "What a MESS!", "one, two, three.", "She said it's fine; it wasn't.", "We'd have known.",
    "Tom's car isn't red.", "Hello world", "NOBODY'S perfect.", "a\tb\nc", "It's the movie's best scene, isn't it?",
    "They'll love it; you'll hate it.", "I've seen better!", "Couldn't care less.", "Who's there?",
    "Didn't you hear?", "You're right, I'm wrong.", "Isn't it lovely?", "Mixed CaSe WoRdS",
    "She'll say it, will she?", "We're done: the end.",
]
WORDS = ["film", "story", "plot", "actors", "good", "bad", "funny", "boring", "the", "a", "very", "not", "and"]
CLITIC_WORDS = ["it's", "don't", "doesn't", "isn't", "wasn't", "couldn't", "we're", "they'll", "you've", "i'm",
                "he'd", "film's", "she's", "didn't"]


def fixed_sentences(d):
    cases = [case(s) for s in FIXED]
    for _ in range(8):  # and sentences drawn for this run: clitics, punctuation, case and spacing mixed
        words = []
        for _ in range(d.py.randint(3, 9)):
            word = d.py.choice(CLITIC_WORDS if d.py.random() < 0.35 else WORDS)
            word = word.upper() if d.py.random() < 0.15 else (word.capitalize() if d.py.random() < 0.2 else word)
            words.append(word + (d.py.choice(".,!?;:") if d.py.random() < 0.25 else ""))
        cases.append(case(" ".join(w + " " * d.py.randint(0, 2) for w in words)))
    return cases


def raw_sentences(d):
    """SST-2 training sentences as a person would write them (common.raw_sentence); the judge
    holds how often their own SST-2 tokens are GloVe words."""
    sentences = [s for s in sst2("train")[0] if len(s) >= 5]
    count = 500
    chosen = [sentences[i] for i in torch.randperm(len(sentences), generator=d.g)[:count].tolist()]
    words = glove()
    tokens = [t for s in chosen for t in s]
    baseline = sum(t in words for t in tokens) / len(tokens)
    calls = [Call((raw_sentence(s),), label=f"SST-2 sentence {i + 1} as written ({raw_sentence(s)[:40]!r})")
             for i, s in enumerate(chosen)]
    return [Case(tuple(calls), label=f"{count} SST-2 sentences as a person writes them",
                 held=torch.tensor([baseline], dtype=torch.float64))]


GLOVE = glove_setting()

# Calibration of "GloVe coverage" (`autograder calibrate unit6 u6.1.q1 --seeds 10`; 500 SST-2 sentences
# of at least 5 tokens written out, the 10,000-word GloVe subset): the reference's share of GloVe
# words minus that of the sentences' own tokens (about 0.846): +0.0011 +- 0.0004 (+0.0007 .. +0.0018).
# The mistakes, over 5 seeds: plain split() -0.133 .. -0.140, no lower-casing -0.058 .. -0.063,
# punctuation left on words -0.052 .. -0.059, clitics left on words -0.015 .. -0.019, all below the
# margin of 0.01; "don't" as "don" + "'t" (-0.005 .. -0.008) is left to the fixed sentences.
EXERCISE = Exercise(
    "u6.1.q1", "A GloVe-compatible tokenisation", ["glove_tokenize"],
    checks=[
        output("fixed sentences", "glove_tokenize", fixed_sentences, weight=6),
        hidden_only(prop("GloVe coverage", "glove_tokenize", raw_sentences, "glove_coverage", weight=3,
                         case_seconds=30, glove=GLOVE, margin=0.01)),
        hidden_only(prop("every token of It's cool has a vector", "glove_tokenize", [case("It's cool")],
                         "all_in_glove", weight=1, glove=GLOVE)),
    ],
    mistakes=[
        mistake("plain_split", fails=["fixed sentences", "GloVe coverage", "every token of It's cool has a vector"],
                says="for the arguments \"It's cool\", expected a list of length 3, got length 2"),
        mistake("no_lower_case", fails=["fixed sentences", "GloVe coverage", "every token of It's cool has a vector"],
                says="GloVe words"),
        mistake("clitics_not_split", fails=["fixed sentences", "GloVe coverage", "every token of It's cool has a vector"],
                says="It's cool"),
        mistake("apostrophe_t", fails=["fixed sentences"], says="expected 'do' at [1], got 'don'"),
        mistake("punctuation_left_on_words", fails=["fixed sentences", "GloVe coverage"], says="GloVe words"),
        mistake("splits_on_single_spaces", fails=["fixed sentences"], says="I'm   tired"),
    ],
)
