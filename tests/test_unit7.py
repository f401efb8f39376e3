"""Unit 7 (sections 7.1-7.5), end to end: for every exercise the reference scores full marks,
the stub scores zero with a "not implemented" style message, and every catalogued mistake
loses the points of the check that names it, with the message it should give. Also: the known
answers of the catalogue hold for the reference; the operation tracer tells a hand-written
transposed convolution from the library's; the judge's reconstruction error and its call
counting judge what they should; and answers that are right in another way (another layout of a
module, batched decoding, a hand-written recurrent cell, bmm or einsum attention) keep full
marks."""

from __future__ import annotations

import importlib
import linecache
import math

import pytest
import torch
import torch.nn.functional as F

from autograder.authoring.validate import append_after_exercises
from autograder.checks import CaseContext, Verdict, evaluate
from autograder.exercises.loader import load_unit
from autograder.judge.reference import Reference
from autograder.probes.helpers import HelperModules
from conftest import ROOT, check_result, exercise, needs_fashion_mnist
import test_rules
from test_rules import over_the_wire
from unitcontract import contract

F64 = torch.float64
TATOEBA = ROOT.parent / "shared" / "data" / "tatoeba" / "fra-eng" / "fra.txt"

# the exercises whose checks read Fashion-MNIST (u7.4's read Tatoeba, present wherever it is)
DATA_EXERCISES = frozenset({"u7.2.q1", "u7.3.q1"})
globals().update(contract("unit7", mistake_limits={"exercise_seconds": 120}, needs_data=DATA_EXERCISES))

# unit 7's own code, loaded as the judge loads it: its properties, experiments and transform
# register into UNIT7.registry, and the helpers its checks name are found in its fixture modules
UNIT7 = load_unit(ROOT / "solutions" / "unit7", "unit7")
HELPERS = HelperModules(UNIT7.fixture_package)
judging = importlib.import_module(f"{UNIT7.package}.public.judging")
common = importlib.import_module(f"{UNIT7.package}.common")


def spec_check(exercise_id: str, name: str):
    return next(e for e in UNIT7.exercises if e.id == exercise_id).check(name)


def verdict(check, reference: dict | None, student: dict, seed: int = 1) -> Verdict:
    """test_rules.verdict with unit 7's registry and fixture modules."""
    return test_rules.verdict(check, reference, student, seed, unit=UNIT7)


def grade(exercise_id: str, name: str, reference: dict | None, student: dict, seed: int = 1) -> str | None:
    """The first failing case's message, or None when every case passes."""
    outcome = verdict(spec_check(exercise_id, name), reference, student, seed)
    return None if outcome.passed else outcome.message


def with_cell(namespace: dict, code: str, name: str = "variant") -> dict:
    """A copy of `namespace` with `code` run in it as a notebook cell, its source readable by
    inspect (as the worker's cells are)."""
    filename = f"<unit7-test-{name}-{abs(hash(code))}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    student = dict(namespace)
    exec(compile(code, filename, "exec"), student)  # noqa: S102 - our own test code
    return student


@pytest.fixture(scope="module")
def ref(hidden_unit7):
    """The reference notebook's functions and constants, run in this process (as the judge does)."""
    names = ["ae_output_line", "train_code_classifier", "Encoder", "Decoder", "corrupt", "train_dae", "ans_u7_2_q1",
             "ans_u7_2_q1_best", "ans_u7_2_q2", "conv_backward", "ConvDAE", "train_conv_dae", "build_vocab",
             "encode_pair", "output_layer_shapes", "greedy_decode", "Seq2Seq", "train_seq2seq", "ContextRNNCell",
             "dot_attention", "greedy_decode_attn", "attention_counts", "SeqEncoder", "TrainingDecoder",
             "DecoderRNNCell", "SRC_SPECIALS", "TGT_SPECIALS", "DATA_ROOT"]
    return Reference(hidden_unit7.notebook, {"facts": names}, helpers=HELPERS).prober().namespace


@needs_fashion_mnist
def test_totals_and_manual_points(reference_results, stub_results):
    full = reference_results["hidden"]
    assert full.score == full.max_score == 125
    # (c) of u7.1.q2, the latent-size comparison (u7.2.q1), the language pair and translations
    # (u7.4.q4) and the plot of both curves (u7.4.q5), for the TA
    assert full.manual_points == 20
    assert all(exercise(full, i).manual for i in ("u7.1.q2", "u7.2.q1", "u7.4.q4", "u7.4.q5"))
    assert stub_results["public"].score == 0


# --- what the feedback says ------------------------------------------------------------------------

def test_feedback_on_a_frozen_encoder_names_the_weights(mistake_results):
    graded = mistake_results[("u7.1.q2", "trains the encoder together with the head")]
    message = check_result(graded, "u7.1.q2", "the encoder stays frozen").message
    assert message.startswith("train_code_classifier: for the encoder's weight and bias after 20 epochs")


def test_feedback_on_the_vocabulary_names_the_token(mistake_results):
    graded = mistake_results[("u7.4.q1", "orders tokens of equal count as they first appear (Counter.most_common)")]
    message = check_result(graded, "u7.4.q1", "vocabularies").message
    assert "for the English sentences of 200 pairs, min_freq 1" in message and "expected" in message


def test_feedback_on_teacher_forcing_names_the_pair(mistake_results):
    graded = mistake_results[("u7.4.q5", "feeds tgt_tokens[i + 1], the token the step must predict")]
    message = check_result(graded, "u7.4.q5", "the embedding is fed the target").message
    assert message.startswith("Seq2Seq: for the ids fed to the target embedding with teacher forcing")


def test_feedback_on_counts_compares_with_the_students_decoder(mistake_results):
    graded = mistake_results[("u7.5.q4", "counts <START> among the generated tokens")]
    message = check_result(graded, "u7.5.q4", "agrees with your decoder").message
    # the worker counted the notebook's dot_attention while the student's decoder ran
    assert "your greedy_decode_attn generated T2 = 5 tokens and called dot_attention 5 times" in message
    assert "attention_counts(6, 5) gave (6, 36)" in message


# --- known answers of the catalogue ------------------------------------------------------------------

def test_the_linear_autoencoders_outputs_lie_on_its_line(ref):
    torch.manual_seed(0)
    for _ in range(50):
        encoder, decoder = torch.nn.Linear(2, 1).double(), torch.nn.Linear(1, 2).double()
        slope, intercept = ref["ae_output_line"](encoder, decoder)
        d, c = decoder.weight.detach()[:, 0], decoder.bias.detach()
        assert slope == pytest.approx(float(d[1] / d[0])) and intercept == pytest.approx(float(c[1] - slope * c[0]))
        with torch.no_grad():
            y = decoder(encoder(torch.randn(100, 2, dtype=F64)))
        assert torch.allclose(y[:, 1], slope * y[:, 0] + intercept, rtol=0, atol=1e-9 * (1 + abs(slope)))
    decoder.weight.data[0, 0] = 0.0
    with pytest.raises(ValueError):
        ref["ae_output_line"](encoder, decoder)


def test_autoencoder_parameter_counts_and_shapes(ref):
    """The known answers: Encoder(10)/Decoder(10) map (N, 1, 28, 28) to (N, 10) and back; the AE
    with latent 10 has 16,474 parameters, the DAE with latent int(784 * 1.2) = 940 1,475,644."""
    count = lambda *modules: sum(p.numel() for m in modules for p in m.parameters())  # noqa: E731
    x = torch.rand(3, 1, 28, 28)
    code = ref["Encoder"](10)(x)
    assert code.shape == (3, 10) and ref["Decoder"](10)(code).shape == (3, 1, 28, 28)
    assert count(ref["Encoder"](10), ref["Decoder"](10)) == 16_474
    assert int(784 * 1.2) == 940 and count(ref["Encoder"](940), ref["Decoder"](940)) == 1_475_644


def test_corrupt_behaves_as_dropout_with_a_generator(ref):
    x = torch.rand(64, 1, 28, 28) + 0.1
    for p in (0.2, 0.5):
        y = ref["corrupt"](x, p, torch.Generator().manual_seed(3))
        kept = y != 0
        assert abs(1 - kept.float().mean().item() - p) < 0.02
        torch.testing.assert_close(y[kept], x[kept] / (1 - p))
        assert torch.equal(y, ref["corrupt"](x, p, torch.Generator().manual_seed(3)))
    # nn.Dropout multiplies by the float32 1 / (1 - p): 1 ulp from x / (1 - p) for p = 0.3
    torch.manual_seed(0)
    dropped = torch.nn.Dropout(0.3)(x)
    survivors = dropped != 0
    assert torch.allclose(dropped[survivors], x[survivors] / 0.7, rtol=2e-7, atol=0)


def test_conv_backward_is_the_transposed_convolution_and_the_gradient_of_conv2d(ref):
    g, K = torch.randn(24, 24, dtype=F64), torch.randn(5, 5, dtype=F64)
    mine = ref["conv_backward"](g, K)
    torch.testing.assert_close(mine, F.conv_transpose2d(g[None, None], K[None, None])[0, 0])
    X = torch.randn(28, 28, dtype=F64, requires_grad=True)
    F.conv2d(X[None, None], K[None, None])[0, 0].backward(g)
    torch.testing.assert_close(mine, X.grad)


@pytest.mark.parametrize(("stride", "size"), [(1, 7), (2, 11), (3, 15)])
def test_a_larger_stride_makes_the_transposed_convolution_larger(stride, size):
    layer = torch.nn.ConvTranspose2d(1, 1, 3, stride=stride)
    assert layer(torch.rand(1, 1, 5, 5)).shape[-1] == size == (5 - 1) * stride + 3
    assert torch.nn.ConvTranspose2d(1, 1, 3, 2, 1, output_padding=1)(torch.rand(1, 1, 7, 7)).shape[-1] == 14
    assert torch.nn.ConvTranspose2d(1, 1, 3, 2, 1)(torch.rand(1, 1, 7, 7)).shape[-1] == 13


def test_reference_conv_dae_keeps_the_picture_shape(ref):
    for n in (1, 16):
        assert ref["ConvDAE"]()(torch.rand(n, 1, 28, 28)).shape == (n, 1, 28, 28)


@pytest.mark.skipif(not TATOEBA.exists(), reason=f"Tatoeba English-French is not in {TATOEBA}")
def test_tatoeba_vocabularies_of_the_whole_file(ref):
    """The verified note: with the unit-6 rule on the whole file the first ids are I, to, you
    (source) and de, Je, ? (target); 'I think that helps.' / 'Je pense que ça aide.' encode as
    [2, 41, 15, 9231, 1] and [2, 4, 65, 7, 76, 557, 1]; str.split() splits at U+202F."""
    pairs = common.tatoeba()
    assert len(pairs) == 142_787
    src = ref["build_vocab"]([s.split() for s, _ in pairs], ref["SRC_SPECIALS"])
    tgt = ref["build_vocab"]([t.split() for _, t in pairs], ref["TGT_SPECIALS"])
    assert [src[w] for w in ("<UNK>", "<END>", "I", "to", "you")] == [0, 1, 2, 3, 4]
    assert [tgt[w] for w in ("<UNK>", "<END>", "<START>", "de", "Je", "?")] == [0, 1, 2, 3, 4, 5]
    source, target = ref["encode_pair"]("I think that helps.", "Je pense que ça aide.", src, tgt)
    assert source.tolist() == [2, 41, 15, 9231, 1] and target.tolist() == [2, 4, 65, 7, 76, 557, 1]
    assert source.dtype == target.dtype == torch.int64
    empty = ref["encode_pair"]("", "", src, tgt)
    assert empty[0].tolist() == [1] and empty[1].tolist() == [2, 1]
    assert ref["encode_pair"]("Run!", "Cours\u202f!", src, tgt)[1].tolist() == [2, tgt["Cours"], tgt["!"], 1]


def test_glove_king_and_castle(ref):
    """The known answer: with the GloVe-50 vectors of woman, man, bicycle, queen, house as keys
    and values, the query "king" gives weights 7.0899e-05, 9.9381e-04, 1.3337e-09, 9.9831e-01,
    6.2366e-04; "castle" mostly an average of queen (0.693) and house (0.307)."""
    path = ROOT.parent / "shared" / "data" / "glove" / "glove.6B.50d.10k.txt"
    if not path.exists():
        pytest.skip(f"GloVe is not in {path}")
    wanted = ["woman", "man", "bicycle", "queen", "house", "king", "castle"]
    vectors = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, rest = line.partition(" ")
        if word in wanted:
            vectors[word] = torch.tensor([float(v) for v in rest.split()])
    keys = torch.stack([vectors[w] for w in wanted[:5]])
    output, weights = ref["dot_attention"](vectors["king"], keys, keys)
    assert output.shape == (50,) and output.dtype == torch.float32
    torch.testing.assert_close(weights, torch.tensor([7.0899e-05, 9.9381e-04, 1.3337e-09, 9.9831e-01, 6.2366e-04]),
                               rtol=1e-4, atol=1e-9)
    _, castle = ref["dot_attention"](vectors["castle"], keys, keys)
    assert round(castle[3].item(), 3) == 0.693 and round(castle[4].item(), 3) == 0.307


def test_attention_from_a_zero_state_is_exactly_uniform(ref):
    for T in (1, 3, 7, 100, 512):
        for dtype in (torch.float32, F64):
            annotations = torch.randn(T, 6, dtype=dtype)
            context, weights = ref["dot_attention"](torch.zeros(6, dtype=dtype), annotations, annotations)
            assert torch.equal(weights, torch.full((T,), 1 / T, dtype=dtype))
            torch.testing.assert_close(context, annotations.mean(dim=0))


def test_context_cell_parameter_count(ref):
    cell = ref["ContextRNNCell"](3, 5, 7)
    assert sum(p.numel() for p in cell.parameters()) == 90 == 3 * 5 + 5 + 5 * 5 + 5 + 7 * 5 + 5
    assert ref["attention_counts"](6, 4) == (4, 24) and ref["output_layer_shapes"](64, 100) == ((100, 64), (100,))


# --- the operation tracer: a transposed convolution written by hand --------------------------------

HONEST_LOOP_OVER_THE_KERNEL = """\
def conv_backward(dCdY, K):
    p, q = K.shape
    out = torch.zeros(dCdY.shape[0] + p - 1, dCdY.shape[1] + q - 1, dtype=dCdY.dtype)
    for i in range(p):
        for j in range(q):
            out[i:i + dCdY.shape[0], j:j + dCdY.shape[1]] += K[i, j] * dCdY
    return out
"""
ALIAS = """\
def conv_backward(dCdY, K):
    transpose = getattr(F, "conv_" + "transpose2d")
    return transpose(dCdY[None, None], K[None, None])[0, 0]
"""
THROUGH_AUTOGRAD = """\
def conv_backward(dCdY, K):
    X = torch.zeros(dCdY.shape[0] + K.shape[0] - 1, dCdY.shape[1] + K.shape[1] - 1, dtype=dCdY.dtype,
                    requires_grad=True)
    (grad,) = torch.autograd.grad(F.conv2d(X[None, None], K[None, None])[0, 0], X, dCdY, create_graph=True)
    return grad
"""
WITH_FOLD = """\
def conv_backward(dCdY, K):
    p, q = K.shape
    columns = (K.reshape(-1, 1) * dCdY.reshape(1, -1))[None]
    return F.fold(columns, (dCdY.shape[0] + p - 1, dCdY.shape[1] + q - 1), (p, q))[0, 0]
"""


def test_a_loop_over_the_kernel_passes_every_conv_backward_check(ref):
    student = with_cell(ref, HONEST_LOOP_OVER_THE_KERNEL)
    for name in ("conv_backward values", "conv_backward in float64", "conv_backward gradients",
                 "no library convolution"):
        assert grade("u7.3.q1", name, ref, student) is None, name


@pytest.mark.parametrize(("code", "operation"), [(ALIAS, "aten.convolution"), (THROUGH_AUTOGRAD, "aten.convolution"),
                                                 (WITH_FOLD, "aten.col2im")], ids=["alias", "autograd", "fold"])
def test_the_library_convolution_is_found_by_any_name(ref, code, operation):
    student = with_cell(ref, code)
    assert grade("u7.3.q1", "conv_backward values", ref, student) is None
    message = grade("u7.3.q1", "no library convolution", ref, student)
    assert message is not None and operation in message


# --- the judge's reconstruction error ----------------------------------------------------------------

def reconstruction_context(output: torch.Tensor, clean: torch.Tensor) -> CaseContext:
    """What the judge holds for one case: the model's output as the worker sent it, and the
    clean pictures it kept."""
    from autograder.protocol import codec
    from autograder.protocol.messages import StepOutcome

    encoder = codec.Encoder()
    actual = over_the_wire([StepOutcome(result=encoder.encode(output))], encoder)
    return CaseContext("train_dae", "a case", None, actual, 10.0, (), (), clean, UNIT7.registry)


def test_reconstruction_error_is_the_judges_with_partial_credit():
    from autograder.checks.properties import PropertyRule

    rule = PropertyRule(name="reconstruction_error", params={"full_at": 0.02, "zero_at": 0.04})
    clean = torch.rand(50, 1, 28, 28)
    assert evaluate(rule, reconstruction_context(clean.clone(), clean)).fraction == 1.0
    halfway = clean + math.sqrt(0.03)          # every pixel off by sqrt(0.03): an error of 0.03
    outcome = evaluate(rule, reconstruction_context(halfway, clean))
    assert outcome.status == "failed" and outcome.fraction == pytest.approx(0.5) and outcome.measured == pytest.approx(0.03)
    assert "its mean squared error on 50 held-out pictures is 0.0300" in outcome.message
    corrupted = clean * (torch.rand(clean.shape) > 0.5) * 2
    assert evaluate(rule, reconstruction_context(corrupted, clean)).fraction == 0.0
    wrong_shape = evaluate(rule, reconstruction_context(clean.reshape(50, 784), clean))
    assert "has shape (50, 784)" in wrong_shape.message


# --- counting the calls of dot_attention -----------------------------------------------------------

TWO_CALLS_PER_STEP = """\
def greedy_decode_attn(decoder, annotations, start_token, end_token, max_len):
    tokens, rows = [start_token], []
    with torch.no_grad():
        decoder.cell.hidden_state = torch.zeros(annotations.shape[1])
        for _ in range(max_len):
            context, weights = dot_attention(decoder.cell.hidden_state, annotations, annotations)
            dot_attention(decoder.cell.hidden_state, annotations, annotations)   # once more, for nothing
            log_probs = decoder.cell(decoder.embedding(torch.tensor(tokens[-1])), context)
            tokens.append(int(log_probs.argmax()))
            rows.append(weights)
            if tokens[-1] == end_token:
                break
    return tokens, torch.stack(rows)
"""


def test_the_judge_counts_the_decoders_calls_of_dot_attention(ref):
    """The worker counts the calls of the notebook's dot_attention while the student's decoder
    runs: a decoder that calls it twice per token makes the course's (T2, T1 T2) disagree with it."""
    student = with_cell(ref, TWO_CALLS_PER_STEP)   # its decoder looks dot_attention up in `student`
    message = grade("u7.5.q4", "agrees with your decoder", ref, student)
    assert message is not None and "called dot_attention 10 times" in message
    assert grade("u7.5.q4", "agrees with your decoder", ref, ref) is None


def test_a_decoder_that_computes_attention_inline_is_judged_by_its_rows(ref):
    inline = with_cell(ref, INLINE_ATTENTION_DECODER)
    assert grade("u7.5.q4", "agrees with your decoder", ref, inline) is None
    wrong = with_cell(inline, "def attention_counts(T1, T2):\n    return T2 + 1, T1 * (T2 + 1)\n")
    message = grade("u7.5.q4", "agrees with your decoder", ref, wrong)
    assert message is not None and "computed 5 rows of attention weights" in message



# --- mistakes caught in this process ----------------------------------------------------------------
# Every mistake round of the contract trains a DAE, a ConvDAE and a translator: these mistakes of
# the same exercises are judged here instead, check by check, so that the rounds stay few.

ENCODER_WITHOUT_RELU = """\
# the encoder without its ReLU

class Encoder(nn.Module):
    def __init__(self, latent_dim):
        super().__init__()
        self.linear = nn.Linear(784, latent_dim)

    def forward(self, x):
        return self.linear(x.flatten(1))
"""
CORRUPTS_IN_PLACE = """\
# corrupts the pictures in place

def corrupt(images, p=0.5, generator=None):
    keep = torch.rand(images.shape, generator=generator) >= p
    return images.mul_(keep).div_(1 - p)
"""
VALID_CONVOLUTION = """\
# convolves the gradient with the kernel (valid): a smaller picture, not a larger one

def conv_backward(dCdY, K):
    p, q = K.shape
    rows, columns = dCdY.shape[0] - p + 1, dCdY.shape[1] - q + 1
    out = torch.zeros(max(rows, 0), max(columns, 0), dtype=dCdY.dtype)
    for r in range(max(rows, 0)):
        for s in range(max(columns, 0)):
            out[r, s] = (dCdY[r:r + p, s:s + q] * K).sum()
    return out
"""
NO_SIGMOID = """\
# no sigmoid at the end: outputs outside [0, 1]

class ConvDAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
                                 nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
                                 nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
                                 nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1))

    def forward(self, x):
        return self.net(x)
"""
SHUFFLES_THE_PAIRS = """\
# shuffles the pairs every epoch

def train_seq2seq(model, pairs, epochs, lr, teacher_forcing=False):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        total = 0.0
        for index in torch.randperm(len(pairs)).tolist():
            src, tgt = pairs[index]
            optimizer.zero_grad()
            _, loss = model(src, tgt, teacher_forcing=teacher_forcing)
            loss.backward()
            optimizer.step()
            total += loss.item()
        history.append(total / len(pairs))
    return history
"""
LAST_LOSS = """\
# records the last pair's loss of each epoch instead of the mean

def train_seq2seq(model, pairs, epochs, lr, teacher_forcing=False):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        for src, tgt in pairs:
            optimizer.zero_grad()
            _, loss = model(src, tgt, teacher_forcing=teacher_forcing)
            loss.backward()
            optimizer.step()
        history.append(loss.item())
    return history
"""


@pytest.mark.parametrize(("exercise_id", "check", "code", "says"), [
    ("u7.2.q1", "Encoder with the course's weights", ENCODER_WITHOUT_RELU, "Encoder(10)"),
    ("u7.2.q1", "the input stays unchanged", CORRUPTS_IN_PLACE, "modified"),
    ("u7.3.q1", "conv_backward values", VALID_CONVOLUTION, "expected shape"),
    ("u7.3.q1", "output shape and range", NO_SIGMOID, "must lie in [0, 1]"),
    ("u7.4.q4", "one Adam step per pair, in order", SHUFFLES_THE_PAIRS, "the mean losses returned"),
    ("u7.4.q4", "one Adam step per pair, in order", LAST_LOSS, "the mean losses returned"),
], ids=["encoder without ReLU", "corrupts in place", "a valid convolution", "no sigmoid", "shuffled pairs",
        "the last loss"])
def test_mistakes_judged_in_this_process(ref, exercise_id, check, code, says):
    message = grade(exercise_id, check, ref, with_cell(ref, code))
    assert message is not None and says in message, message

# --- correct variants keep their points ----------------------------------------------------------------

INLINE_ATTENTION_DECODER = """\
def greedy_decode_attn(decoder, annotations, start_token, end_token, max_len):
    ids, rows = [start_token], []
    with torch.no_grad():
        h = torch.zeros(1, annotations.shape[1])
        for _ in range(max_len):
            weights = torch.softmax(annotations @ h[0], dim=0)
            decoder.cell.hidden_state = h[0]
            log_probs = decoder.cell(decoder.embedding(torch.tensor([ids[-1]]))[0], weights @ annotations)
            h = decoder.cell.hidden_state[None]
            ids.append(log_probs.argmax().item())
            rows.append(weights)
            if ids[-1] == end_token:
                break
    return ids, torch.stack(rows)
"""
BATCHED_GREEDY = """\
def greedy_decode(decoder, context, start_token, end_token, max_len):
    if max_len < 1:
        raise ValueError("max_len must be positive")
    ids = [start_token]
    with torch.no_grad():
        h = context.reshape(1, -1)
        while len(ids) <= max_len and (len(ids) == 1 or ids[-1] != end_token):
            h = decoder.cell.rnn_cell(decoder.embedding(torch.tensor([ids[-1]])), h)
            decoder.cell.hidden_state = h
            ids.append(int(decoder.cell.log_softmax(decoder.cell.linear(h)).argmax()))
    return ids
"""
HAND_WRITTEN_CELL_SEQ2SEQ = """\
class ElmanCell(nn.Module):
    def __init__(self, inputs, hidden):
        super().__init__()
        self.from_input = nn.Linear(inputs, hidden)
        self.from_state = nn.Linear(hidden, hidden)

    def forward(self, x, h):
        return torch.tanh(self.from_input(x) + self.from_state(h))


class Seq2Seq(nn.Module):
    def __init__(self, src_vocab_size, tgt_vocab_size, embed_dim, hidden_dim, encoder_layers):
        super().__init__()
        self.out = nn.Linear(hidden_dim, tgt_vocab_size)
        self.target_words = nn.Embedding(tgt_vocab_size, embed_dim)
        self.recurrent = ElmanCell(embed_dim, hidden_dim)
        self.source_words = nn.Embedding(src_vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, encoder_layers, batch_first=True)

    def forward(self, src_tokens, tgt_tokens, teacher_forcing=False):
        output, _ = self.lstm(self.source_words(src_tokens)[None])
        h = output[0, -1]
        if teacher_forcing:
            logits = []
            for x in self.target_words(tgt_tokens[:-1]):
                h = self.recurrent(x, h)
                logits.append(self.out(h))
            logits = torch.stack(logits)
            loss = F.cross_entropy(logits, tgt_tokens[1:], reduction="sum")
            return [int(tgt_tokens[0])] + logits.argmax(dim=1).tolist(), loss
        tokens, losses = [int(tgt_tokens[0])], []
        for target in tgt_tokens[1:]:
            h = self.recurrent(self.target_words(torch.tensor(tokens[-1])), h)
            logits = self.out(h)
            losses.append(F.cross_entropy(logits[None], target[None]))
            tokens.append(int(logits.argmax()))
            if tokens[-1] == END:
                break
        return tokens, torch.stack(losses).sum()


def train_seq2seq(model, pairs, epochs, lr, teacher_forcing=False):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    means = []
    for _ in range(epochs):
        losses = []
        for source, target in pairs:
            model.zero_grad()
            loss = model(source, target, teacher_forcing)[1]
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        means.append(sum(losses) / len(losses))
    return means
"""
BMM_ATTENTION = """\
def dot_attention(q, K, V):
    if K.shape[0] != V.shape[0]:
        raise ValueError("K and V need as many rows")
    scores = torch.bmm(K[None], q[None, :, None])[0, :, 0]
    weights = torch.exp(scores - scores.max())
    weights = weights / weights.sum()
    return torch.bmm(weights[None, None], V[None])[0, 0], weights
"""
EINSUM_ATTENTION = """\
def dot_attention(q, K, V):
    weights = torch.einsum("nd,d->n", K, q).softmax(dim=0)
    return torch.einsum("n,nv->v", weights, V), weights
"""

VARIANTS = {
    # the line read from two outputs of the decoder, returned as 0-d tensors
    "u7.1.q1": ("def ae_output_line(encoder, decoder):\n"
                "    with torch.no_grad():\n"
                "        a, b = decoder(torch.zeros(1, 1, dtype=decoder.weight.dtype))[0], "
                "decoder(torch.ones(1, 1, dtype=decoder.weight.dtype))[0]\n"
                "    if b[0] == a[0]:\n"
                "        raise ValueError('a vertical line')\n"
                "    slope = (b[1] - a[1]) / (b[0] - a[0])\n"
                "    return slope, a[1] - slope * a[0]\n"),
    # two class scores and the cross-entropy, plain SGD
    "u7.1.q2": ("def train_code_classifier(encoder, X, Y, epochs=500):\n"
                "    head = nn.Linear(1, 2)\n"
                "    optimizer = torch.optim.SGD(head.parameters(), lr=0.05)\n"
                "    codes = encoder(X).detach()\n"
                "    for _ in range(epochs):\n"
                "        optimizer.zero_grad()\n"
                "        F.cross_entropy(head(codes), Y.long()).backward()\n"
                "        optimizer.step()\n"
                "    return nn.Sequential(encoder, head)\n"),
    # a Sequential encoder, a mask from torch.bernoulli, and a DataLoader
    "u7.2.q1": ("class Encoder(nn.Sequential):\n"
                "    def __init__(self, latent_dim):\n"
                "        super().__init__(nn.Flatten(), nn.Linear(784, latent_dim), nn.ReLU())\n"
                "\n"
                "\n"
                "def corrupt(images, p=0.5, generator=None):\n"
                "    mask = torch.bernoulli(torch.full(images.shape, 1 - p), generator=generator)\n"
                "    return images * mask / (1 - p)\n"
                "\n"
                "\n"
                "def train_dae(latent_dim, epochs, seed=0):\n"
                "    from torch.utils.data import DataLoader\n"
                "    torch.manual_seed(seed)\n"
                "    images = as_floats(load_pictures('FashionMNIST'))\n"
                "    model = nn.Sequential(Encoder(latent_dim), Decoder(latent_dim))\n"
                "    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)\n"
                "    for _ in range(epochs):\n"
                "        for x in DataLoader(images, batch_size=128, shuffle=True):\n"
                "            optimizer.zero_grad()\n"
                "            nn.MSELoss()(model(corrupt(x)), x).backward()\n"
                "            optimizer.step()\n"
                "    return model\n"),
    # other latent sizes, between the course's measured ones
    "u7.2.q2": "ans_u7_2_q2 = {12: 0.0352, 24: 0.0260, 48: 0.0199, 100: 0.0172}\nans_u7_2_q2_text = 'C'\n",
    # a loop over the kernel's entries; 4 x 4 kernels (no output_padding needed), LeakyReLU, a ModuleList
    "u7.3.q1": HONEST_LOOP_OVER_THE_KERNEL + (
        "\n\nclass ConvDAE(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.layers = nn.ModuleList([nn.Conv2d(1, 16, 4, 2, 1), nn.LeakyReLU(0.1),\n"
        "                                     nn.Conv2d(16, 32, 4, 2, 1), nn.LeakyReLU(0.1),\n"
        "                                     nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.LeakyReLU(0.1),\n"
        "                                     nn.ConvTranspose2d(16, 1, 4, 2, 1), nn.Sigmoid()])\n"
        "\n"
        "    def forward(self, x):\n"
        "        for layer in self.layers:\n"
        "            x = layer(x)\n"
        "        return x\n"),
    # sorted by (-count, token) over items; tensors built with torch.as_tensor
    "u7.4.q1": ("def build_vocab(tokenized, specials, min_freq=1):\n"
                "    counts = {}\n"
                "    for sentence in tokenized:\n"
                "        for token in sentence:\n"
                "            counts[token] = counts.get(token, 0) + 1\n"
                "    vocab = {token: i for i, token in enumerate(specials)}\n"
                "    for token, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):\n"
                "        if n >= min_freq and token not in vocab:\n"
                "            vocab[token] = len(vocab)\n"
                "    return vocab\n"
                "\n"
                "\n"
                "def encode_pair(src, tgt, src_vocab, tgt_vocab):\n"
                "    unk_s, unk_t = src_vocab['<UNK>'], tgt_vocab['<UNK>']\n"
                "    s = [src_vocab.get(w, unk_s) for w in src.split()] + [src_vocab['<END>']]\n"
                "    t = [tgt_vocab['<START>'], *[tgt_vocab.get(w, unk_t) for w in tgt.split()], tgt_vocab['<END>']]\n"
                "    return torch.as_tensor(s, dtype=torch.long), torch.as_tensor(t, dtype=torch.long)\n"),
    # the shapes read from an nn.Linear (torch.Size)
    "u7.4.q2": ("def output_layer_shapes(hidden_dim, tgt_vocab_size):\n"
                "    layer = nn.Linear(hidden_dim, tgt_vocab_size, device='meta')\n"
                "    return layer.weight.shape, layer.bias.shape\n"),
    # batched decoding: a batch of one sentence, the recurrent cell called directly
    "u7.4.q3": BATCHED_GREEDY,
    # a hand-written Elman cell of two Linear layers, other names and order, F.cross_entropy,
    # the teacher-forced targets embedded at once
    "u7.4.q4": HAND_WRITTEN_CELL_SEQ2SEQ,
    "u7.4.q5": HAND_WRITTEN_CELL_SEQ2SEQ,
    # the layers defined in another order
    "u7.5.q1": ("class ContextRNNCell(nn.Module):\n"
                "    def __init__(self, embed_dim, hidden_dim, context_dim=None):\n"
                "        super().__init__()\n"
                "        self.context_linear = nn.Linear(context_dim or hidden_dim, hidden_dim)\n"
                "        self.hidden_linear = nn.Linear(hidden_dim, hidden_dim)\n"
                "        self.input_linear = nn.Linear(embed_dim, hidden_dim)\n"
                "\n"
                "    def forward(self, x, h, c):\n"
                "        return (self.context_linear(c) + self.input_linear(x) + self.hidden_linear(h)).tanh()\n"),
    # bmm with a softmax written stably by hand
    "u7.5.q2": BMM_ATTENTION,
    # attention computed inline, the state kept batched
    "u7.5.q3": INLINE_ATTENTION_DECODER,
    # the counts as a list
    "u7.5.q4": "def attention_counts(T1, T2):\n    return [T2, T2 * T1]\n",
}


@pytest.fixture(scope="module")
def variant_results(module_grade, solution_unit7, hidden_unit7):
    return module_grade(append_after_exercises(solution_unit7, VARIANTS), hidden_unit7, only=list(VARIANTS))


@needs_fashion_mnist
@pytest.mark.parametrize("exercise_id", sorted(VARIANTS))
def test_correct_variants_keep_full_marks(variant_results, exercise_id):
    result = exercise(variant_results, exercise_id)
    assert result.points == result.max_points, result.summary


def test_einsum_attention_keeps_the_points_of_every_check(ref):
    student = with_cell(ref, EINSUM_ATTENTION)
    for check in next(e for e in UNIT7.exercises if e.id == "u7.5.q2").checks:
        if check.name != "mismatched sizes":    # einsum raises RuntimeError there, as matmul does
            assert verdict(check, ref, student).passed, check.name
    assert grade("u7.5.q2", "mismatched sizes", ref, student) is None
