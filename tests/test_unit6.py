"""Unit 6 (sections 6.1-6.4), end to end: for every exercise the reference scores full marks,
the stub scores zero with a "not implemented" style message, and every catalogued mistake
loses the points of the checks it names, with the message it should give. Also: the course's
vocabulary reproduces the catalogue's known answers (and a Counter-based and a dict-loop
vocabulary agree), the worker's view scrambles SST-2's dev labels and nothing else, the GloVe
file is the course's setting (the full file where a course installs it), the reference's
facts hold (MyRNNCell is nn.RNNCell, the deep stack is nn.RNN, the BPTT sums equal autograd),
and answers that are right in another way keep full marks."""

from __future__ import annotations

import collections
import importlib
import json
import os
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from autograder.exercises.data import TsvLabels, worker_view
from autograder.exercises.loader import load_unit
from autograder.judge.reference import Reference
from conftest import ROOT, checks_module, exercise
from unitcontract import contract

F64 = torch.float64
DATA = ROOT.parent / "shared" / "data"
_SST2 = Path(os.environ["AUTOGRADER_DATA"]) if os.environ.get("AUTOGRADER_DATA") else DATA
pytestmark = pytest.mark.skipif(
    not (_SST2 / "SST-2" / "train.tsv").exists() or not (_SST2 / "glove").is_dir(),
    reason=f"SST-2 or GloVe is not in {_SST2}: set AUTOGRADER_DATA (see ../shared/data/README.md)")

# the fixtures and the contract tests (full marks, zero, mistakes) that every unit shares
globals().update(contract("unit6", mistake_limits={"exercise_seconds": 40}))

UNIT6 = load_unit(ROOT / "solutions" / "unit6", "unit6")
common = importlib.import_module(f"{UNIT6.package}.common")


def fixture(module: str, name: str):
    from autograder.probes.helpers import HelperModules

    return HelperModules(UNIT6.fixture_package)(module, name)


@pytest.fixture(scope="module")
def ref(hidden_unit6):
    """The reference notebook's classes and functions, run in this process (as the judge does)."""
    names = ["glove_tokenize", "EmbedSumClassify", "train_sentence_classifier", "EmbedBagClassify", "GloveSumClassify",
             "MyRNNCell", "RNNClassifier", "DeepRNNClassifier", "FasterDeepRNNClassifier", "train_rnn",
             "grad_inf_norms", "epoch_mean_norms", "immediate_dh_dw", "bptt_bound", "scalar_rnn_dh_dw"]
    return Reference(hidden_unit6.notebook, {"facts": names}).prober().namespace


def test_totals_and_manual_points(reference_results, stub_results):
    full = reference_results["hidden"]
    assert full.score == full.max_score == 90
    assert full.manual_points == 10  # the two plots of u6.3.q1 and u6.3.q3
    assert all(exercise(full, i).manual for i in ("u6.3.q1", "u6.3.q3"))
    assert stub_results["public"].score == 0


# --- 6.1: SST-2, the vocabulary, GloVe ----------------------------------------------------------------

def test_the_course_vocabulary_reproduces_the_catalogue():
    vocab = common.vocabulary()
    sentences, labels = common.sst2("train")
    assert len(sentences) == 67_349 and len(common.sst2("dev")[0]) == 872
    assert sentences[1] == ("contains", "no", "wit", ",", "only", "labored", "gags") and labels[1] == 0
    assert len(vocab) == 11_222 and vocab["<UNK>"] == 0 and vocab["word"] == 1234
    assert common.encode(sentences[1]).tolist() == [2924, 61, 330, 2, 89, 1993, 549]
    assert common.encode("hello world".split()).tolist() == [0, 152]
    assert common.encode("very good , not bad".split()).tolist() == [77, 46, 2, 33, 74]


def counter_vocabulary(token_lists, min_freq=1, specials=()):
    counts = collections.Counter(t for tokens in token_lists for t in tokens)
    kept = sorted((t for t, n in counts.items() if n >= min_freq), key=lambda t: (-counts[t], t))
    return {t: i for i, t in enumerate(list(specials) + kept)}


def loop_vocabulary(token_lists, min_freq=1, specials=()):
    counts = {}
    for tokens in token_lists:
        for token in tokens:
            counts[token] = counts.get(token, 0) + 1
    by_count = {}
    for token, n in counts.items():
        if n >= min_freq:
            by_count.setdefault(n, []).append(token)
    ordered = [t for n in sorted(by_count, reverse=True) for t in sorted(by_count[n])]
    return {t: i for i, t in enumerate(list(specials) + ordered)}


def test_a_counter_and_a_dict_loop_build_the_same_vocabulary():
    sentences = common.sst2("train")[0]
    every = counter_vocabulary(sentences)
    assert every == loop_vocabulary(sentences)
    assert list(every)[:10] == ["the", ",", "a", "and", "of", ".", "to", "'s", "is", "that"]
    assert [every[t] for t in sentences[1]] == [2923, 60, 329, 1, 88, 1992, 548]
    assert counter_vocabulary(sentences, 5, ["<UNK>"]) == loop_vocabulary(sentences, 5, ["<UNK>"]) == common.vocabulary()
    assert len(counter_vocabulary(sentences, 6, ["<UNK>"])) == 10_090  # "more than 5" is another vocabulary
    split_on_spaces = [line.rpartition("\t")[0].split(" ") for line in
                       (DATA / "SST-2" / "train.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    assert len(counter_vocabulary(split_on_spaces, 5, ["<UNK>"])) == 11_223  # the empty token of split(" ")


def test_the_worker_view_scrambles_the_dev_labels_and_nothing_else(tmp_path):
    folder = tmp_path / "data" / "SST-2"
    folder.mkdir(parents=True)
    dev = "sentence\tlabel\n" + "".join(f"sentence number {i} . \t{i % 2}\n" for i in range(400))
    (folder / "dev.tsv").write_text(dev, encoding="utf-8")
    (folder / "train.tsv").write_text(dev, encoding="utf-8")
    view = worker_view(tmp_path / "data", tmp_path / "view")
    seen = (view / "SST-2" / "dev.tsv").read_text(encoding="utf-8").splitlines()
    original = dev.splitlines()
    assert seen[0] == "sentence\tlabel" and len(seen) == len(original)
    assert [s.rpartition("\t")[0] for s in seen] == [s.rpartition("\t")[0] for s in original]  # the sentences kept
    labels = [s.rpartition("\t")[2] for s in seen[1:]]
    assert set(labels) <= {"0", "1"}
    changed = sum(a != b.rpartition("\t")[2] for a, b in zip(labels, original[1:]))
    assert 120 < changed < 280  # random labels: about half differ
    assert (view / "SST-2" / "train.tsv").read_text(encoding="utf-8") == dev
    assert TsvLabels("label").apply(b"no header here\n") == b"no header here\n"


def test_the_sandbox_of_hidden_grading_sees_scrambled_dev_labels(sandbox, course):
    real = (course.data_dir / "SST-2" / "dev.tsv").read_text(encoding="utf-8").splitlines()
    seen = (sandbox.data_dir / "SST-2" / "dev.tsv").read_text(encoding="utf-8").splitlines()
    assert [s.rpartition("\t")[0] for s in seen] == [s.rpartition("\t")[0] for s in real]
    assert [s.rpartition("\t")[2] for s in seen] != [s.rpartition("\t")[2] for s in real]


def test_accuracy_cases_keep_the_true_dev_labels_in_the_judge(hidden_unit6):
    from autograder.judge.session import _payload
    from autograder.protocol import codec

    check = next(c for c in hidden_unit6.prepare("u6.2.q1", seed=5) if c.plan.name == "accuracy on dev sentences")
    case = check.plan.cases[0]
    sent = codec.load_payload(_payload(case.steps, check.tensors), 2**31)
    assert case.held in check.tensors and case.held not in sent
    held = check.tensors[case.held]
    assert len(held) == 872 and sorted(held.tolist()).count(1) == 444  # the real labels, in a drawn order


def test_glove_is_the_courses_setting_and_the_full_file_works(tmp_path, monkeypatch):
    from autograder.config.loader import load_config

    assert common.glove_setting() == load_config(ROOT / "grader.toml").data.glove
    words = common.glove()
    assert len(words) == 10_000 and {"it", "'s", "cool", "n't"} <= set(words) and "it's" not in words
    full = tmp_path / "glove"
    full.mkdir()
    lines = [f"{w} " + " ".join(["0.5"] * 50) for w in ("it", "'s", "cool", "hello", "wit")]
    (full / "glove.6B.50d.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("AUTOGRADER_DATA", str(tmp_path))
    assert set(common.glove("glove/glove.6B.50d.txt")) == {"it", "'s", "cool", "hello", "wit"}
    judging = importlib.import_module(f"{UNIT6.package}.public.judging")
    assert judging.glove_words("glove/glove.6B.50d.txt") == frozenset({"it", "'s", "cool", "hello", "wit"})


def test_raw_sentences_give_back_their_tokens(ref):
    assert common.raw_sentence(("it", "'s", "a", "film", ",", "is", "n't", "it", "?")) == "It's a film, isn't it?"
    sentences = [s for s in common.sst2("train")[0][:3000] if len(s) >= 5]
    recovered = sum(ref["glove_tokenize"](common.raw_sentence(s)) == list(s) for s in sentences)
    assert recovered > 0.9 * len(sentences)


def test_glove_tokenize_known_answers(ref):
    tokenize = ref["glove_tokenize"]
    assert tokenize("It's cool") == ["it", "'s", "cool"]
    assert tokenize("I don't know, can't you?") == ["i", "do", "n't", "know", ",", "ca", "n't", "you", "?"]
    assert tokenize("") == [] and tokenize(" \t ") == []
    assert all(t in common.glove() for t in tokenize("It's cool"))


# --- 6.2 and 6.3: the reference's facts ------------------------------------------------------------------

def test_summing_ignores_word_order_and_the_bag_sums_alike(ref):
    torch.manual_seed(0)
    summing, bagging = ref["EmbedSumClassify"](11_222, 16), ref["EmbedBagClassify"](11_222, 16)
    bagging.load_state_dict(summing.state_dict())
    good, bad = torch.tensor([77, 46, 2, 33, 74]), torch.tensor([77, 74, 2, 33, 46])
    torch.testing.assert_close(summing(good), summing(bad))
    torch.testing.assert_close(summing(good), bagging(good))
    assert summing(good).exp().sum().item() == pytest.approx(1, abs=1e-6)
    with pytest.raises(ValueError):
        summing(torch.zeros(0, dtype=torch.int64))


def test_the_frozen_glove_model_has_102_trainable_parameters(ref):
    model = ref["GloveSumClassify"](torch.randn(40, 50))
    assert sum(p.numel() for p in model.parameters() if p.requires_grad) == 102


def test_my_rnn_cell_is_nn_rnn_cell_bit_for_bit(ref):
    torch.manual_seed(1)
    mine, theirs = ref["MyRNNCell"](16, 32), torch.nn.RNNCell(16, 32, nonlinearity="tanh")
    with torch.no_grad():
        theirs.weight_ih.copy_(mine.input_linear.weight)
        theirs.bias_ih.copy_(mine.input_linear.bias)
        theirs.weight_hh.copy_(mine.hidden_linear.weight)
        theirs.bias_hh.copy_(mine.hidden_linear.bias)
    h = torch.zeros(32)
    for x in torch.randn(10, 16):
        mine(x)
        h = theirs(x, h)
        assert torch.equal(mine.hidden_state, h)


def test_the_faster_deep_classifier_is_the_deep_one_with_mapped_weights(ref):
    namespace = {"nn": torch.nn}
    cell = next(c for c in json.loads((ROOT / "solutions" / "unit6" / "unit6.ipynb").read_text())["cells"]
                if "DEEP_TO_FASTER = " in "".join(c["source"]))
    exec("".join(cell["source"]), namespace)  # noqa: S102 - the course's own cell
    torch.manual_seed(2)
    deep, faster = ref["DeepRNNClassifier"](50, 16, 32), ref["FasterDeepRNNClassifier"](50, 16, 32, 2)
    namespace["copy_deep_to_faster"](deep, faster)
    for length in (1, 5, 30):
        sentence = torch.randint(0, 50, (length,))
        torch.testing.assert_close(deep(sentence), faster(sentence), rtol=1e-5, atol=1e-6)


def test_train_rnn_returns_the_history_the_stub_describes(ref):
    torch.manual_seed(3)
    model = ref["RNNClassifier"](30, 4, 6)
    sentences = [torch.randint(0, 30, (n,)) for n in (3, 5, 2, 7)]
    history = ref["train_rnn"](model, sentences, [0, 1, 1, 0], 2, 0.01, test=(sentences[:2], [0, 1]))
    assert set(history) == {"train_loss", "train_acc", "test_loss", "test_acc"}
    assert all(len(v) == 2 and all(isinstance(x, float) for x in v) for v in history.values())
    assert ref["train_rnn"](model, sentences, [0, 1, 1, 0], 1, 0.01)["test_acc"] == []


def test_without_the_reset_the_second_sentence_cannot_train(ref):
    """u6.3.q2 (a): the catalogue's verified answer, for the course's cell."""
    class NoReset(ref["RNNClassifier"]):
        def forward(self, tokens):
            for x in self.embedding(tokens):
                self.cell(x)
            return F.log_softmax(self.linear(self.cell.hidden_state), dim=0)

    torch.manual_seed(4)
    model = NoReset(30, 4, 6)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    for step, sentence in enumerate([torch.tensor([1, 2, 3]), torch.tensor([4, 5])]):
        optimizer.zero_grad()
        loss = -model(sentence)[0]
        if step == 0:
            loss.backward()
        else:
            with pytest.raises(RuntimeError, match="backward through the graph a second time"):
                loss.backward()


def test_grad_inf_norms_of_the_crafted_module(ref):
    model = fixture("gradients", "crafted")(5)
    norms = ref["grad_inf_norms"](model)
    assert "unused" not in norms and "rnn.bias_hh_l1" not in norms
    assert norms["rnn.weight_hh_l0"] == model.rnn.weight_hh_l0.grad.abs().max().item() > 0
    assert model.rnn.weight_hh_l0.grad.max().item() < 0  # all negative: the absolute value matters
    history = [{"a": 1.0, "b": 2.0}, {"a": 3.0, "b": 2.0}, {"a": 5.0, "b": 0.0}, {"a": 7.0, "b": 0.0}]
    assert ref["epoch_mean_norms"](history, 2) == {"a": [2.0, 6.0], "b": [2.0, 0.0]}


# --- 6.4: BPTT -----------------------------------------------------------------------------------------

def scalar_rnn_autograd(x, w_in, b_in, w, b_h, h0):
    weight = torch.tensor(w, dtype=F64, requires_grad=True)
    h = torch.tensor(h0, dtype=F64)
    for x_t in x:
        h = torch.tanh(w_in * x_t + b_in + weight * h + b_h)
    h.backward()
    return weight.grad.item()


@pytest.mark.parametrize("T", [1, 2, 10, 50])
def test_the_bptt_sum_equals_autograd(ref, T):
    g = torch.Generator().manual_seed(T)
    for h0 in (0.0, 0.7, -4.2):
        x = torch.randn(T, dtype=F64, generator=g)
        params = (torch.rand(4, dtype=F64, generator=g) * 6 - 3).tolist()
        expected = scalar_rnn_autograd(x, *params, h0)
        assert ref["scalar_rnn_dh_dw"](x, *params, h0=h0) == pytest.approx(expected, rel=1e-10, abs=1e-12)
    assert ref["scalar_rnn_dh_dw"](torch.tensor([0.3], dtype=F64), 1.0, 0.0, 2.0, 0.0) == 0.0  # h0 = 0: dh1/dw = 0


def test_the_immediate_derivative_equals_autograd_and_is_bounded(ref):
    h_prev = torch.tanh(torch.randn(100, dtype=F64) * 3)
    w = torch.randn(100, dtype=F64, requires_grad=True)
    h_t = torch.tanh(0.4 + w * h_prev)
    (grad,) = torch.autograd.grad(h_t.sum(), w)
    torch.testing.assert_close(ref["immediate_dh_dw"](h_t.detach(), h_prev), grad)
    assert bool((ref["immediate_dh_dw"](h_t.detach(), h_prev).abs() < 1).all())


def test_the_bound_holds_and_has_the_closed_form(ref):
    module = checks_module("unit6").u6_4_q2
    g = torch.Generator().manual_seed(0)
    worst = 0.0
    for _ in range(300):
        T, (w, w_in, b_in, b_h) = int(torch.randint(1, 31, (1,), generator=g)), (torch.rand(4, generator=g) * 6 - 3).tolist()
        truth = module.true_gradient(torch.randn(T, dtype=F64, generator=g), w_in, b_in, w, b_h)
        worst = max(worst, truth / ref["bptt_bound"](w, T))
    assert worst <= 1
    assert ref["bptt_bound"](0.0, 1) == ref["bptt_bound"](0.0, 9) == 1.0 and ref["bptt_bound"](-1.0, 7) == 7.0
    direct = sum(2.5 ** k for k in range(30))
    assert ref["bptt_bound"](-2.5, 30) == pytest.approx(direct, rel=1e-12)


# --- answers that are right in another way -----------------------------------------------------------

VARIANTS = {
    # a regular expression instead of a character loop
    "u6.1.q1": ("import re\n\n"
                "def glove_tokenize(sentence):\n"
                "    out = []\n"
                "    for piece in re.findall(r\"[^\\s.,!?;:]+|[.,!?;:]\", sentence.lower()):\n"
                "        m = re.fullmatch(r\"(.+?)(n't|'s|'re|'ll|'ve|'m|'d)\", piece)\n"
                "        out += [m.group(1), m.group(2)] if m else [piece]\n"
                "    return out\n"),
    # a LogSoftmax module, -log_probs[label] as the loss, the epoch loss from a tensor of losses
    "u6.2.q1": ("class EmbedSumClassify(nn.Module):\n"
                "    def __init__(self, vocab_size, embed_dim):\n"
                "        super().__init__()\n"
                "        self.embedding = nn.Embedding(vocab_size, embed_dim)\n"
                "        self.linear = nn.Linear(embed_dim, 2)\n"
                "        self.log_softmax = nn.LogSoftmax(dim=0)\n"
                "    def forward(self, tokens):\n"
                "        if len(tokens) == 0:\n"
                "            raise ValueError('no tokens')\n"
                "        return self.log_softmax(self.linear(self.embedding(tokens).sum(0)))\n\n"
                "def train_sentence_classifier(model, sentences, labels, epochs, lr):\n"
                "    opt = torch.optim.Adam(model.parameters(), lr)\n"
                "    out = []\n"
                "    for _ in range(epochs):\n"
                "        losses = []\n"
                "        for s, y in zip(sentences, labels):\n"
                "            opt.zero_grad()\n"
                "            loss = -model(s)[y]\n"
                "            loss.backward()\n"
                "            opt.step()\n"
                "            losses.append(loss.detach())\n"
                "        out.append(torch.stack(losses).mean().item())\n"
                "    return out\n"),
    # the bag called with offsets instead of a batch dimension
    "u6.2.q2": ("class EmbedBagClassify(nn.Module):\n"
                "    def __init__(self, vocab_size, embed_dim):\n"
                "        super().__init__()\n"
                "        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, mode='sum')\n"
                "        self.linear = nn.Linear(embed_dim, 2)\n"
                "    def forward(self, tokens):\n"
                "        if tokens.numel() == 0:\n"
                "            raise ValueError('no tokens')\n"
                "        bag = self.embedding(tokens, torch.zeros(1, dtype=torch.long))[0]\n"
                "        return torch.log_softmax(self.linear(bag), dim=0)\n"),
    # the table as a buffer, indexed by hand; the head under another name
    "u6.2.q3": ("class GloveSumClassify(nn.Module):\n"
                "    def __init__(self, vectors):\n"
                "        super().__init__()\n"
                "        self.register_buffer('table', vectors.clone())\n"
                "        self.head = nn.Linear(50, 2)\n"
                "    def forward(self, tokens):\n"
                "        return F.log_softmax(self.head(self.table[tokens].sum(0)), dim=0)\n"),
    # a cell that returns its state; nn.RNNCell cells in the deep classifier (found under their own
    # parameter names); batch_first in the faster one; train_rnn with the test pass in a helper
    "u6.3.q1": ("class MyRNNCell(nn.Module):\n"
                "    def __init__(self, embed_dim, hidden_dim):\n"
                "        super().__init__()\n"
                "        self.input_linear = nn.Linear(embed_dim, hidden_dim)\n"
                "        self.hidden_linear = nn.Linear(hidden_dim, hidden_dim)\n"
                "        self.hidden_state = torch.zeros(hidden_dim)\n"
                "    def forward(self, x):\n"
                "        self.hidden_state = torch.tanh(self.hidden_linear(self.hidden_state) + self.input_linear(x))\n"
                "        return self.hidden_state\n\n"
                "class DeepRNNClassifier(nn.Module):\n"
                "    def __init__(self, vocab_size, embed_dim, hidden_dim):\n"
                "        super().__init__()\n"
                "        self.embedding = nn.Embedding(vocab_size, embed_dim)\n"
                "        self.cell1 = nn.RNNCell(embed_dim, hidden_dim)\n"
                "        self.cell2 = nn.RNNCell(hidden_dim, hidden_dim)\n"
                "        self.linear = nn.Linear(hidden_dim, 2)\n"
                "    def forward(self, tokens):\n"
                "        h1 = h2 = torch.zeros(self.cell1.hidden_size)\n"
                "        for x in self.embedding(tokens):\n"
                "            h1 = self.cell1(x, h1)\n"
                "            h2 = self.cell2(h1, h2)\n"
                "        return F.log_softmax(self.linear(h2), dim=0)\n\n"
                "class FasterDeepRNNClassifier(nn.Module):\n"
                "    def __init__(self, vocab_size, embed_dim, hidden_dim, RNNlayers):\n"
                "        super().__init__()\n"
                "        self.embedding = nn.Embedding(vocab_size, embed_dim)\n"
                "        self.rnn = nn.RNN(embed_dim, hidden_dim, RNNlayers, batch_first=True)\n"
                "        self.linear = nn.Linear(hidden_dim, 2)\n"
                "    def forward(self, tokens):\n"
                "        out, _ = self.rnn(self.embedding(tokens).unsqueeze(0))\n"
                "        return F.log_softmax(self.linear(out[0, -1]), dim=0)\n\n"
                "def _measure(model, sentences, labels):\n"
                "    model.eval()\n"
                "    with torch.no_grad():\n"
                "        outs = [model(s) for s in sentences]\n"
                "    model.train()\n"
                "    loss = sum(F.nll_loss(o[None], torch.tensor([y])).item() for o, y in zip(outs, labels)) / len(outs)\n"
                "    return loss, sum(int(o.argmax() == y) for o, y in zip(outs, labels)) / len(outs)\n\n"
                "def train_rnn(model, sentences, labels, epochs, lr, test=None):\n"
                "    opt = torch.optim.Adam(model.parameters(), lr=lr)\n"
                "    h = {'train_loss': [], 'train_acc': [], 'test_loss': [], 'test_acc': []}\n"
                "    for _ in range(epochs):\n"
                "        model.train()\n"
                "        losses, hits = [], []\n"
                "        for s, y in zip(sentences, labels):\n"
                "            opt.zero_grad()\n"
                "            out = model(s)\n"
                "            loss = -out[y]\n"
                "            loss.backward()\n"
                "            opt.step()\n"
                "            losses.append(loss.item())\n"
                "            hits.append(float(out.argmax().item() == y))\n"
                "        h['train_loss'].append(sum(losses) / len(losses))\n"
                "        h['train_acc'].append(sum(hits) / len(hits))\n"
                "        if test:\n"
                "            loss, acc = _measure(model, *test)\n"
                "            h['test_loss'].append(loss)\n"
                "            h['test_acc'].append(acc)\n"
                "    return h\n"),
    # the classifier graded in u6.3.q1 and u6.3.q2: a start state kept as a buffer and a reset method,
    # the tokens embedded one at a time
    "u6.3.q2": ("class RNNClassifier(nn.Module):\n"
                "    def __init__(self, vocab_size, embed_dim, hidden_dim):\n"
                "        super().__init__()\n"
                "        self.embedding = nn.Embedding(vocab_size, embed_dim)\n"
                "        self.cell = MyRNNCell(embed_dim, hidden_dim)\n"
                "        self.linear = nn.Linear(hidden_dim, 2)\n"
                "        self.register_buffer('start', torch.zeros(hidden_dim))\n"
                "    def reset(self):\n"
                "        self.cell.hidden_state = self.start.clone()\n"
                "    def forward(self, tokens):\n"
                "        self.reset()\n"
                "        for token in tokens:\n"
                "            h = self.cell(self.embedding(token))\n"
                "        return F.log_softmax(self.linear(h), dim=0)\n"),
    # the norm with torch.linalg, the means with statistics
    "u6.3.q3": ("import statistics\n\n"
                "def grad_inf_norms(model):\n"
                "    return {n: float(torch.linalg.vector_norm(p.grad, ord=float('inf')))\n"
                "            for n, p in model.named_parameters() if p.grad is not None}\n\n"
                "def epoch_mean_norms(history, iters_per_epoch):\n"
                "    out = {}\n"
                "    for start in range(0, len(history), iters_per_epoch):\n"
                "        for name in history[start]:\n"
                "            out.setdefault(name, []).append(statistics.fmean(h[name] for h in history[start:start + iters_per_epoch]))\n"
                "    return out\n"),
    # the same product written out
    "u6.4.q1": ("def immediate_dh_dw(h_t, h_prev):\n"
                "    return h_prev - h_prev * h_t * h_t\n"),
    # the geometric sum added up term by term
    "u6.4.q2": ("def bptt_bound(w, T):\n"
                "    return float(sum(abs(w) ** k for k in range(T)))\n"),
    # the forward recursion, in torch, returning a one-element tensor
    "u6.4.q3": ("def scalar_rnn_dh_dw(x, w_in, b_in, w, b_h, h0=0.0):\n"
                "    h = torch.tensor([h0], dtype=torch.float64)\n"
                "    d = torch.zeros(1, dtype=torch.float64)\n"
                "    for x_t in x:\n"
                "        new = torch.tanh(w_in * x_t + b_in + w * h + b_h)\n"
                "        d = (1 - new ** 2) * (h + w * d)\n"
                "        h = new\n"
                "    return d\n"),
}


@pytest.fixture(scope="module")
def variant_results(module_grade, solution_unit6, hidden_unit6):
    from autograder.authoring.validate import append_after_exercises

    return module_grade(append_after_exercises(solution_unit6, VARIANTS), hidden_unit6, only=list(VARIANTS),
                        exercise_seconds=90)


@pytest.mark.parametrize("exercise_id", sorted(VARIANTS))
def test_answers_right_in_another_way_keep_full_marks(variant_results, exercise_id):
    result = exercise(variant_results, exercise_id)
    assert result.points == result.max_points, [c.message for c in result.checks if not c.passed]


def test_feedback_names_the_time_step_and_the_layer(mistake_results):
    cell = exercise(mistake_results[("u6.3.q1", "computes the new state from the input alone")], "u6.3.q1")
    message = check_result_message(cell, "hidden states of MyRNNCell")
    assert "hidden_state after time step 2 of 10" in message and "values differ" in message
    deep = exercise(mistake_results[("u6.3.q1", "feeds the second cell its own state added to the first cell's")],
                    "u6.3.q1")
    message = check_result_message(deep, "DeepRNNClassifier, time step by time step")
    assert "after layer `cell2, time step 2` (MyRNNCell)" in message


def check_result_message(result, name: str) -> str:
    return next(c.message for c in result.checks if c.name == name)


@pytest.mark.slow
def test_the_reference_passes_the_training_checks_at_their_full_budget(full_budget, grade, solution_unit6,
                                                                         hidden_unit6):
    """The budgets `autograder grade` uses (the test suite runs the quick ones): one epoch of 10,000
    sentences for u6.2.q1, 300 steps of 64 for u6.2.q3, 15 epochs of 200 sentences for u6.3.q1."""
    trained = ["u6.2.q1", "u6.2.q3", "u6.3.q1"]
    result = grade(solution_unit6, hidden_unit6, only=trained, seed=23, exercise_seconds=180)
    for exercise_id in trained:
        graded = exercise(result, exercise_id)
        assert graded.points == graded.max_points, [c.message for c in graded.checks if not c.passed]
