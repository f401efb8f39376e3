"""What several of unit 6's exercises share: SST-2 and GloVe as the judge reads them, the
course's vocabulary, and the pieces of cases (weights drawn by name, sentences as tensors).

The judge reads the data sets from the course's data folder (AUTOGRADER_DATA, set by the
check set); the worker sees the same files, except that its view scrambles SST-2's dev labels
(autograder/exercises/data.py), which accuracy checks score here. Which GloVe file the checks
read is the course's `[data] glove` setting in grader.toml (the 10,000-word subset unless a
course installs the full glove.6B.50d.txt).
"""

from __future__ import annotations

import collections
import functools
from pathlib import Path

import torch

from autograder.config.loader import ConfigError, find_course
from autograder.config.models import DataConfig
from autograder.exercises.data import DataMissing, data_dir
from autograder.exercises.spec import Call, fixture, kept, using

SPECIALS = ("<UNK>",)
MIN_FREQ = 5
PUNCTUATION = ".,!?;:"
CLITICS = ("n't", "'s", "'re", "'ll", "'ve", "'m", "'d")
WEIGHTS = "weights"        # public/fixtures/weights.py: loading by name, layer reports, gradients
SENTENCES = "sentences"    # public/fixtures/sentences.py: token tensors and predictions


# --- SST-2 and the course's vocabulary (section 6.1) -------------------------------------------

@functools.lru_cache(maxsize=3)
def sst2(split: str) -> tuple[tuple[tuple[str, ...], ...], tuple[int, ...]]:
    """The 'train' or 'dev' split: each sentence as its tokens (`str.split()`, which drops the
    space every GLUE line has before its tab), and its label."""
    path = data_dir() / "SST-2" / f"{split}.tsv"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()[1:]
    except FileNotFoundError:
        raise DataMissing(f"SST-2 is missing: {path}") from None
    sentences, labels = [], []
    for line in lines:
        text, _, label = line.rpartition("\t")
        sentences.append(tuple(text.split()))
        labels.append(int(label))
    return tuple(sentences), tuple(labels)


def build_vocabulary(token_lists, min_freq: int) -> dict[str, int]:
    """The course's rule: tokens counted, those seen at least `min_freq` times ordered by
    decreasing count (ties by code point order), after the specials (`<UNK>` = 0)."""
    counts = collections.Counter(token for tokens in token_lists for token in tokens)
    kept_tokens = sorted((t for t, n in counts.items() if n >= min_freq), key=lambda t: (-counts[t], t))
    return {token: index for index, token in enumerate(list(SPECIALS) + kept_tokens)}


@functools.lru_cache(maxsize=1)
def vocabulary() -> dict[str, int]:
    """The course's vocabulary of section 6.1: the training split, MIN_FREQ 5 (11,222 entries)."""
    return build_vocabulary(sst2("train")[0], MIN_FREQ)


def encode(tokens, vocab: dict[str, int] | None = None) -> torch.Tensor:
    """A sentence's tokens as an int64 tensor of indices (unknown tokens: 0, `<UNK>`)."""
    vocab = vocabulary() if vocab is None else vocab
    return torch.tensor([vocab.get(t, 0) for t in tokens], dtype=torch.int64)


def flat(sentences: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Sentences as one tensor of all their tokens and one of their lengths (a few large
    tensors travel faster than thousands of small ones); `sentences.split` undoes it."""
    lengths = torch.tensor([len(s) for s in sentences], dtype=torch.int64)
    tokens = torch.cat(sentences) if sentences else torch.zeros(0, dtype=torch.int64)
    return tokens, lengths


def sentence_list(name: str, sentences: list[torch.Tensor], what: str) -> Call:
    """A step that rebuilds `sentences` (a list of int64 tensors) where the checked code runs,
    kept as `name`."""
    tokens, lengths = flat(sentences)
    return fixture(f"{SENTENCES}.split", tokens, lengths, keep_as=name, label=what)


def predictions(model: str, sentences: str, what: str) -> Call:
    """The kept model's log-probabilities for every kept sentence, in eval mode: (n, 2)."""
    return using(f"{SENTENCES}.predict_each", kept(model), kept(sentences), label=what)


# --- GloVe (section 6.1, exercise u6.2.q3) ---------------------------------------------------------

def glove_setting() -> str:
    """The course's `[data] glove` file (relative to the data folder)."""
    try:
        course = find_course(Path(__file__).resolve().parent)
    except ConfigError:
        course = None
    return course.config.data.glove if course is not None else DataConfig().glove


@functools.lru_cache(maxsize=2)
def glove(relative: str | None = None) -> dict[str, torch.Tensor]:
    """Word -> float32 vector of the course's GloVe file."""
    path = data_dir() / (relative or glove_setting())
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataMissing(f"GloVe is missing: {path} (grader.toml [data] glove)") from None
    vectors = {}
    for line in text.splitlines():
        word, *values = line.rstrip().split(" ")
        if len(values) == 50 and word not in vectors:
            vectors[word] = torch.tensor([float(v) for v in values], dtype=torch.float32)
    return vectors


@functools.lru_cache(maxsize=2)
def glove_matrix(relative: str | None = None) -> torch.Tensor:
    """The course vocabulary's GloVe vectors: (11,222, 50), zeros for words GloVe lacks."""
    table = glove(relative)
    vocab = vocabulary()
    matrix = torch.zeros(len(vocab), 50)
    for word, index in vocab.items():
        if word in table:
            matrix[index] = table[word]
    return matrix


# --- weights the judge draws and loads into a student's module by name ---------------------------

def drawn_weights(d, shapes: dict[str, tuple[int, ...]]) -> tuple[list[str], list[torch.Tensor]]:
    """Normal weights for each named parameter, in the order given: embedding tables with unit
    variance, weight matrices divided by the square root of their fan-in, biases times 0.5."""
    names, tensors = [], []
    for name, shape in shapes.items():
        value = d.randn(*shape)
        if "embedding" not in name:
            value = value / shape[1] ** 0.5 if len(shape) == 2 else value * 0.5
        names.append(name)
        tensors.append(value)
    return names, tensors


def build(target: str, *args, what: str) -> Call:
    """Construct the student's class (quietly), kept as `model`."""
    return Call(args, target=target, keep_as="model", quiet=True, label=what)


def load(names: list[str], tensors: list[torch.Tensor], what: str = "the course's weights loaded by name") -> Call:
    return using(f"{WEIGHTS}.load_named", kept("model"), names, tensors, label=what)


def classifier_shapes(vocab: int, embed: int, head: str = "linear") -> dict[str, tuple[int, ...]]:
    return {"embedding.weight": (vocab, embed), f"{head}.weight": (2, embed), f"{head}.bias": (2,)}


def cell_shapes(prefix: str, inputs: int, hidden: int) -> dict[str, tuple[int, ...]]:
    """A MyRNNCell's parameters, in the order it defines them."""
    return {f"{prefix}input_linear.weight": (hidden, inputs), f"{prefix}input_linear.bias": (hidden,),
            f"{prefix}hidden_linear.weight": (hidden, hidden), f"{prefix}hidden_linear.bias": (hidden,)}


def random_sentences(d, vocab: int, count: int, longest: int, with_zero: bool = True) -> list[torch.Tensor]:
    """`count` sentences of 1 to `longest` random token indices; with `with_zero`, the first
    holds index 0 (`<UNK>`), which a model with `padding_idx=0` would treat differently."""
    sentences = []
    for i in range(count):
        length = 1 if i == 1 else d.py.randint(2, longest)
        sentence = d.randint(0, vocab, (length,))
        if with_zero and i == 0:
            sentence = torch.cat([sentence, torch.zeros(1, dtype=torch.int64)])
        sentences.append(sentence)
    return sentences


def describe(sentence: torch.Tensor) -> str:
    shown = ", ".join(str(int(t)) for t in sentence[:8]) + (", ..." if len(sentence) > 8 else "")
    return f"the sentence [{shown}] ({len(sentence)} token{'s' if len(sentence) != 1 else ''})"


# --- raw sentences for the tokeniser (u6.1.q1) ------------------------------------------------------

def raw_sentence(tokens: tuple[str, ...]) -> str:
    """An SST-2 sentence as a person would write it: clitics joined to the word before them
    ("it 's" -> "it's", "do n't" -> "don't"), no space before . , ! ? ; : and the first letter
    capitalised. A GloVe-style tokeniser recovers (almost all of) the original tokens."""
    words: list[str] = []
    for token in tokens:
        if words and (token in CLITICS or token in PUNCTUATION):
            words[-1] += token
        else:
            words.append(token)
    text = " ".join(words)
    return text[:1].upper() + text[1:]


# --- cases every classifier of a sentence shares (u6.2, u6.3) --------------------------------------

def layer_case(d, target: str, args: tuple, shapes: dict[str, tuple[int, ...]], sentence: torch.Tensor,
               watch: list[str], what: str):
    """The student's `target(*args)` with the course's weights loaded by name, run on one
    sentence: the report the `layers` rule compares, layer by layer and time step by time step."""
    from autograder.exercises.spec import Case

    names, tensors = drawn_weights(d, shapes)
    return Case((build(target, *args, what=f"{target}{args}"), load(names, tensors),
                 using(f"{WEIGHTS}.layer_report", kept("model"), sentence, watch,
                       label=f"the layers of {what} on {describe(sentence)}")),
                label=f"{target}{args} with the course's weights, on {describe(sentence)}")


def grads_case(d, target: str, args: tuple, shapes: dict[str, tuple[int, ...]], sentence: torch.Tensor,
               label: int):
    """The gradient of the NLL loss of `label` for one sentence with respect to every named
    parameter, the course's weights loaded."""
    from autograder.exercises.spec import Case

    names, tensors = drawn_weights(d, shapes)
    return Case((build(target, *args, what=f"{target}{args}"), load(names, tensors),
                 using(f"{WEIGHTS}.named_grads", kept("model"), sentence, label, names,
                       label=f"the gradients of the loss for label {label}")),
                label=f"{target}{args} with the course's weights, the NLL loss of label {label} for {describe(sentence)}")


def permuted_case(d, target: str, args: tuple, sentence: torch.Tensor):
    """One sentence and two permutations of its tokens, through the same model."""
    from autograder.exercises.spec import Case

    calls = [build(target, *args, what=f"{target}{args}"),
             Call((sentence,), target="$model", label=describe(sentence))]
    for k in range(2):
        order = torch.randperm(len(sentence), generator=d.g)
        calls.append(Call((sentence[order],), target="$model", label=f"its tokens in another order (#{k + 1})"))
    return Case(tuple(calls), label=f"{target}{args} on {describe(sentence)} and its tokens reordered")


def empty_case(target: str, args: tuple):
    from autograder.exercises.spec import Case

    return Case((build(target, *args, what=f"{target}{args}"),
                 Call((torch.zeros(0, dtype=torch.int64),), target="$model", label="an empty sentence")),
                label=f"{target}{args} on an empty sentence (no tokens)")


def trainer_case(d, trainer: str, epochs: int, lr: float, count: int, extra: tuple = (), test: bool = False):
    """The student's training function on the grader's MaxPoolClassifier from a seeded start
    (public/fixtures/judge_models.py), on `count` random sentences in a fixed order: what it
    returns, then the parameters (and, with `test`, how the model was called)."""
    from autograder.exercises.spec import Case

    vocab, dim = 40, 6
    sentences = random_sentences(d, vocab, count, 7)  # at most 8 tokens: test sentences have 9
    labels = [d.py.randint(0, 1) for _ in sentences]
    what = f"{epochs} epoch{'s' if epochs > 1 else ''} of {count} sentences, lr {lr:g}, from the grader's seeded model"
    calls = [fixture("judge_models.max_pool_classifier", vocab, dim, d.child_seed(), keep_as="model",
                     label="the grader's seeded classifier"),
             sentence_list("train", sentences, f"{count} training sentences")]
    kwargs = {}
    if test:
        test_sentences = [d.randint(0, vocab, (9,)) for _ in range(5)]  # 9 tokens: training sentences are shorter
        calls += [sentence_list("test_x", test_sentences, "5 test sentences"),
                  fixture(f"{SENTENCES}.pair", kept("test_x"), [d.py.randint(0, 1) for _ in test_sentences],
                          keep_as="test", label="(test sentences, test labels)")]
        kwargs["test"] = kept("test", "(test sentences, test labels)")
    calls += [Call((kept("model", "the grader's model"), kept("train", "the sentences"), labels, epochs, lr) + extra,
                   kwargs, target=trainer, label=f"{trainer} for {what}: what it returns"),
              using("judge_models.parameters", kept("model"), label=f"the model's parameters after {what}")]
    if test:
        calls.append(using("judge_models.modes", kept("model"), 9, label=f"how the model was called during {what}"))
    return Case(tuple(calls), label=what)


# --- accuracy on held-out dev sentences (u6.2.q1, u6.2.q3, u6.3.q1) --------------------------------

def training_sample(d, count: int, shortest: int = 1, longest: int = 10_000) -> list[int]:
    """`count` rows of training sentences of `shortest` to `longest` tokens, drawn for this run
    (in the drawn order)."""
    sentences = sst2("train")[0]
    rows = [i for i, s in enumerate(sentences) if shortest <= len(s) <= longest]
    return [rows[i] for i in torch.randperm(len(rows), generator=d.g)[:count].tolist()]


def encoded(rows: list[int], vocab: dict[str, int] | None = None) -> tuple[list[torch.Tensor], list[int]]:
    """Training sentences `rows` encoded with `vocab` (default: the course's), and their labels."""
    sentences, labels = sst2("train")
    return [encode(sentences[i], vocab) for i in rows], [labels[i] for i in rows]


def dev_set(d, vocab: dict[str, int] | None = None) -> tuple[list[torch.Tensor], torch.Tensor]:
    """The 872 dev sentences in an order drawn for this run, encoded with `vocab` (default: the
    course's), and their labels, which stay with the judge (the worker's view of dev.tsv has
    scrambled labels)."""
    sentences, labels = sst2("dev")
    order = torch.randperm(len(sentences), generator=d.g).tolist()
    return [encode(sentences[i], vocab) for i in order], torch.tensor([labels[i] for i in order])
