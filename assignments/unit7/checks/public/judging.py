"""Unit 7's own judging: properties of the student's results that need no reference,
experiments on the answers a student measured, and a transform.

Properties (registered with `@check_property`; a `Verdict` with `measured` reports the number
judged, for `autograder calibrate`):

* u7.1: `on_the_line` (the decoder's outputs lie on the returned line), `same_outputs`
  (a classifier's output does not change along the encoder's null direction);
* u7.2-u7.3: `dropout_corruption` (zeros with probability p, survivors divided by 1 - p),
  `reconstruction_error` (the judge's mean squared error against clean pictures it kept, with
  partial credit between calibrated bars), `allowed_layers`, `picture_output`;
* u7.4: `memorised`, `sooner_with_teacher_forcing` (on the loss curves a trainer returned);
* u7.5: `attention_rows`, `counts_match_the_decoder` (the answer against the calls the worker
  counted), `no_for_or_while`.

Public: shipped with the release for `autograder check`.
"""

from __future__ import annotations

import ast
import math
import textwrap
from typing import Any

import torch

from autograder.checks.registry import check_property, experiment, transform
from autograder.checks.rerun import plain_number
from autograder.checks.rule import Verdict
from autograder.checks.values import kind_of
from autograder.protocol.codec import TensorData


def _tensor(value: Any) -> torch.Tensor | None:
    return value.data if isinstance(value, TensorData) and not value.is_numpy else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    t = _tensor(value)
    if t is not None and t.numel() == 1 and (t.is_floating_point() or not t.is_complex()):
        return float(t.reshape(-1)[0])
    return None


def _results(ctx) -> list[Any]:
    """The results of the case's steps that sent one back, in order."""
    return [ctx.actual.result(i) for i, outcome in enumerate(ctx.actual.outcomes) if outcome.result is not None]


# --- u7.1 ---------------------------------------------------------------------------------------

@transform(example='transforms={"": "plain_numbers"}')
def plain_numbers(value: Any) -> Any:
    """Lists and tuples as tuples, one-element tensors as Python numbers, at every depth: a
    (slope, intercept), a pair of counts or of shapes compared alike however it was returned
    (0-d tensors, a list, torch.Size)."""
    if isinstance(value, (tuple, list)):
        return tuple(plain_numbers(item) for item in value)
    t = _tensor(value)
    if t is not None and t.numel() == 1 and not t.is_complex() and t.dtype != torch.bool:
        item = t.reshape(-1)[0].item()
        return int(item) if not t.is_floating_point() else float(item)
    return value


@check_property(example='prop("on the line", "ae_output_line", cases, "on_the_line")')
def on_the_line(ctx, tolerance: float = 1e-5) -> str | None:
    """The result is (slope, intercept) and every output of the decoder the judge holds
    ((d0, d1, c0, c1): outputs c + s d for codes s in [-10, 10]) satisfies
    y1 = slope y0 + intercept within `tolerance` (1 + |y1| + |slope y0|)."""
    value = ctx.actual.result()
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return f"expected a tuple (slope, intercept), got {kind_of(value)}"
    slope, intercept = (_number(v) for v in value)
    if slope is None or intercept is None or not (math.isfinite(slope) and math.isfinite(intercept)):
        return "expected two finite numbers (slope, intercept)"
    d0, d1, c0, c1 = ctx.held.to(torch.float64).tolist()
    worst = 0.0
    for step in range(41):
        s = -10 + step * 0.5
        y0, y1 = c0 + s * d0, c1 + s * d1
        worst = max(worst, abs(y1 - slope * y0 - intercept) / (1 + abs(y1) + abs(slope * y0)))
    if worst > tolerance:
        return (f"the decoder's outputs do not lie on the line y1 = {slope:.6g} y0 + {intercept:.6g}: "
                f"some miss it by {worst:.3g} (relative)")
    return None


@check_property(example='prop("uses the code only", "train_code_classifier", cases, "same_outputs")')
def same_outputs(ctx, rtol: float = 1e-4, atol: float = 1e-5) -> str | None:
    """The last two results (the trained model's output for the points, and for the points moved
    along a direction the encoder maps to 0) agree: the classifier sees the points only through
    the encoder's code."""
    results = _results(ctx)
    if len(results) < 2:
        return "expected the model's outputs for two sets of points"
    first, second = (_tensor(r) for r in results[-2:])
    if first is None or second is None:
        return f"expected the model's outputs as tensors, got {kind_of(results[-2])}"
    if first.shape != second.shape:
        return f"the outputs have shapes {tuple(first.shape)} and {tuple(second.shape)}"
    if not torch.allclose(first.to(torch.float64), second.to(torch.float64), rtol=rtol, atol=atol):
        return ("the model's output changes when the points move along a direction the encoder maps to 0: "
                "the classifier must see the points only through the encoder's code (encoder, then head)")
    return None


# --- u7.2 and u7.3 ---------------------------------------------------------------------------------

@check_property(example='prop("drops pixels", "corrupt", [case(x, 0.2, generator(1))], "dropout_corruption")')
def dropout_corruption(ctx, sigmas: float = 4.0, rtol: float = 1e-6) -> str | Verdict | None:
    """The result has the input's shape and dtype; every pixel is 0 or the input's value
    divided by 1 - p (p: the call's second argument, 0.5 without one); the share of zeros (the
    input has none) is p within `sigmas` standard errors."""
    p = _number(ctx.args[1]) if len(ctx.args) > 1 else 0.5
    x, result = _tensor(ctx.args[0]) if ctx.args else None, _tensor(ctx.actual.result())
    if result is None:
        return f"expected a tensor, got {kind_of(ctx.actual.result())}"
    if x is None or result.shape != x.shape:
        return f"expected a tensor of the input's shape {tuple(x.shape) if x is not None else '?'}, got {tuple(result.shape)}"
    if result.dtype != x.dtype:
        return f"expected the input's dtype {str(x.dtype).removeprefix('torch.')}, got {str(result.dtype).removeprefix('torch.')}"
    zero = result == 0
    scaled = x.to(torch.float64) / (1 - p)
    wrong = ~zero & ((result.to(torch.float64) - scaled).abs() > rtol * scaled.abs())
    if bool(wrong.any()):
        index = int(torch.nonzero(wrong.reshape(-1))[0])
        return (f"a pixel that is not dropped must be divided by 1 - p = {1 - p:g}: the input value "
                f"{float(x.reshape(-1)[index]):.6g} became {float(result.reshape(-1)[index]):.6g}, expected "
                f"{float(scaled.reshape(-1)[index]):.6g}")
    n = zero.numel()
    share = zero.to(torch.float64).mean().item()
    if abs(share - p) > sigmas * math.sqrt(p * (1 - p) / n):
        return f"{share:.1%} of the pixels are 0; with p = {p:g} about {p:.0%} should be"
    return Verdict.pass_(measured=share)


@check_property(example='prop("test error", "train_dae", cases, "reconstruction_error", full_at=0.03, zero_at=0.05)')
def reconstruction_error(ctx, full_at: float, zero_at: float, what: str = "held-out pictures") -> str | Verdict | None:
    """The model's output for corrupted pictures, against the clean pictures the judge kept
    (`held`): the mean squared error earns full credit up to `full_at` and nothing from
    `zero_at`, on a straight ramp between (bars from calibrating the reference)."""
    output, clean = _tensor(_results(ctx)[-1]) if _results(ctx) else None, ctx.held
    if output is None:
        return f"expected the model's output as a tensor, got {kind_of(_results(ctx)[-1] if _results(ctx) else None)}"
    if tuple(output.shape) != tuple(clean.shape):
        return f"the model's output for pictures of shape {tuple(clean.shape)} has shape {tuple(output.shape)}"
    if not output.is_floating_point() or not bool(torch.isfinite(output).all()):
        return "the model's output is not finite floating-point values"
    error = torch.mean((output.to(torch.float64) - clean.to(torch.float64)) ** 2).item()
    said = f"its mean squared error on {len(clean):,} {what} is {error:.4f}"
    if error <= full_at:
        return Verdict.pass_(measured=error)
    fraction = max(0.0, (zero_at - error) / (zero_at - full_at))
    return Verdict.fail(f"{said}; full marks up to {full_at:.4f}, none from {zero_at:.4f}", fraction, measured=error)


ALLOWED_CONVOLUTIONS = {("torch.nn.modules.conv", "Conv2d"), ("torch.nn.modules.conv", "ConvTranspose2d"),
                        ("torch.nn.modules.linear", "Identity")}


@check_property(example='prop("only convolutions", "ConvDAE", cases, "allowed_layers")')
def allowed_layers(ctx) -> str | None:
    """The result lists (name, class module, class name) of every layer of a network (see
    pictures.leaf_types); each is nn.Conv2d, nn.ConvTranspose2d or an activation of
    torch.nn.modules.activation."""
    layers = ctx.actual.result()
    if not isinstance(layers, list) or not layers:
        return "the grader could not list the module's layers"
    for entry in layers:
        name, module, cls = entry
        if module == "torch.nn.modules.activation" or (module, cls) in ALLOWED_CONVOLUTIONS:
            continue
        if name == "(the module itself)":
            return (f"{cls} has no layers of its own; build it from nn.Conv2d, nn.ConvTranspose2d and activation "
                    "layers")
        return (f"its layer {name} is a {cls}; only nn.Conv2d, nn.ConvTranspose2d and activation layers (such as "
                "nn.ReLU, nn.Sigmoid) are allowed (no Linear, Flatten, pooling, normalisation or dropout: the "
                "corruption stays outside the module)")
    return None


@check_property(example='prop("shape and range", "ConvDAE", cases, "picture_output")')
def picture_output(ctx) -> str | None:
    """The last result is a floating-point tensor of the shape the judge holds (`held`, the
    input's shape), with every value in [0, 1]."""
    results = _results(ctx)
    output = _tensor(results[-1]) if results else None
    shape = tuple(int(s) for s in ctx.held.tolist())
    if output is None:
        return f"expected a tensor, got {kind_of(results[-1] if results else None)}"
    if tuple(output.shape) != shape:
        return f"for input pictures of shape {shape} the output has shape {tuple(output.shape)}; it must be the same"
    if not output.is_floating_point():
        return f"expected floating-point pixels, got {str(output.dtype).removeprefix('torch.')}"
    if not bool(((output >= 0) & (output <= 1)).all()):
        low, high = float(output.nan_to_num(-1).min()), float(output.nan_to_num(2).max())
        return f"its values range from {low:.4g} to {high:.4g}; pixels must lie in [0, 1] (end with a sigmoid)"
    return None


# --- u7.4 -----------------------------------------------------------------------------------------

def _history(value: Any, what: str) -> list[float] | str:
    if not isinstance(value, list) or not value:
        return f"{what} should be a non-empty list of floats (the mean loss per epoch), got {kind_of(value)}"
    numbers = [_number(v) for v in value]
    if any(n is None or not math.isfinite(n) for n in numbers):
        return f"{what} should hold finite numbers (the mean loss per epoch)"
    return numbers


def _first_below(history: list[float], mark: float) -> int | None:
    """The first epoch (from 1) whose mean loss is below `mark` times the first epoch's."""
    return next((epoch for epoch, loss in enumerate(history, 1) if loss < mark * history[0]), None)


@check_property(example='prop("memorises", "train_seq2seq", cases, "memorised", max_ratio=0.1, min_exact=0.8)')
def memorised(ctx, max_ratio: float = 0.1, min_exact: float = 0.8) -> str | Verdict | None:
    """The results are the trainer's loss history and, per pair, whether the trained model
    reproduces the target exactly: the last epoch's mean loss is below `max_ratio` times the
    first's, and at least `min_exact` of the targets come out exactly."""
    results = _results(ctx)
    if len(results) < 2:
        return "expected the loss history and the translations of the trained model"
    history = _history(results[-2], "train_seq2seq's result")
    if isinstance(history, str):
        return history
    exact = results[-1]
    if not isinstance(exact, list) or not exact:
        return "the grader could not read the trained model's translations"
    share = sum(bool(e) for e in exact) / len(exact)
    if not history[-1] < max_ratio * history[0]:
        return (f"after {len(history)} epochs the mean loss is {history[-1]:.4g}, not below {max_ratio:.0%} of the "
                f"first epoch's {history[0]:.4g}: the model did not learn the pairs")
    if share < min_exact:
        return (f"only {sum(bool(e) for e in exact)} of {len(exact)} targets come out exactly after training; at "
                f"least {min_exact:.0%} should")
    return Verdict.pass_(measured=share)


@check_property(example='prop("sooner", "train_seq2seq", cases, "sooner_with_teacher_forcing")')
def sooner_with_teacher_forcing(ctx, mark: float = 0.1) -> str | Verdict | None:
    """The last two results are the loss histories of free running and of teacher forcing,
    from the same start: teacher forcing first falls below `mark` times its own first epoch's
    loss, and in fewer epochs than free running does (which may not get there at all)."""
    results = _results(ctx)
    if len(results) < 2:
        return "expected two loss histories"
    free = _history(results[-2], "the history without teacher forcing")
    forced = _history(results[-1], "the history with teacher forcing")
    for history in (free, forced):
        if isinstance(history, str):
            return history
    reached_free, reached_forced = _first_below(free, mark), _first_below(forced, mark)
    if reached_forced is None:
        return (f"with teacher forcing the mean loss never fell below {mark:.0%} of its first epoch's "
                f"({forced[0]:.4g} -> {forced[-1]:.4g} in {len(forced)} epochs)")
    if reached_free is not None and reached_free <= reached_forced:
        return (f"teacher forcing reached {mark:.0%} of its first epoch's loss after {reached_forced} epochs, free "
                f"running after {reached_free}: with teacher forcing it should be sooner")
    return Verdict.pass_(measured=reached_forced)


# --- u7.5 -----------------------------------------------------------------------------------------

def _tokens_and_weights(value: Any) -> tuple[list, torch.Tensor] | str:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return f"expected (ids, attention weights), got {kind_of(value)}"
    ids, weights = value
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return "expected the ids as a list of Python ints"
    weights = _tensor(weights)
    if weights is None:
        return "expected the attention weights as a tensor"
    return ids, weights


@check_property(example='prop("attention rows", "greedy_decode_attn", cases, "attention_rows")')
def attention_rows(ctx, rtol: float = 1e-6) -> str | None:
    """The result is (ids, weights) for annotations of T rows (`held`): weights has one row of
    T per generated token, every row sums to 1, and the first row is uniform (the hidden state
    starts at zeros, so every score is 0)."""
    read = _tokens_and_weights(_results(ctx)[-1] if _results(ctx) else None)
    if isinstance(read, str):
        return read
    ids, weights = read
    rows = int(ctx.held.reshape(-1)[0])
    if tuple(weights.shape) != (len(ids) - 1, rows):
        return (f"for {len(ids) - 1} generated tokens and {rows} annotations the weights should have shape "
                f"({len(ids) - 1}, {rows}), one row per generated token; got {tuple(weights.shape)}")
    sums = weights.to(torch.float64).sum(dim=1)
    if not bool(torch.allclose(sums, torch.ones_like(sums), rtol=0, atol=1e-5)):
        return f"every row of weights should sum to 1; row sums range from {sums.min():.6g} to {sums.max():.6g}"
    first = weights[0].to(torch.float64)
    if not bool(torch.allclose(first, torch.full_like(first, 1 / rows), rtol=rtol, atol=0)):
        return ("the first row of weights should be uniform, 1/T for every annotation: the hidden state starts at "
                "zeros, so all scores of the first step are 0 (compute the attention before updating the cell)")
    return None


@check_property(example='prop("the decoder agrees", "attention_counts", cases, "counts_match_the_decoder")')
def counts_match_the_decoder(ctx) -> str | None:
    """The case calls attention_counts(T1, T2), then the student's greedy_decode_attn on T1
    annotations (`held`: T1, T2) with a decoder that never predicts the end token, counting its
    calls of dot_attention: the answer must equal (calls, calls * T1), where calls is the
    counted number (or, when the decoder computes attention without calling dot_attention, the
    number of attention rows it returned)."""
    t1, t2 = (int(v) for v in ctx.held.tolist())
    answer = ctx.actual.result(len(ctx.actual.outcomes) - 2)
    numbers = [_number(v) for v in answer] if isinstance(answer, (tuple, list)) and len(answer) == 2 else None
    if numbers is None or any(n is None for n in numbers):
        return f"expected a tuple of two ints, got {kind_of(answer)}"
    read = _tokens_and_weights(ctx.actual.result())
    if isinstance(read, str):
        return f"greedy_decode_attn: {read}"
    ids, weights = read
    if len(ids) - 1 != t2:
        return (f"greedy_decode_attn generated {len(ids) - 1} tokens where max_len is {t2} and <END> is never "
                "predicted; fix u7.5.q3 first")
    counted = (ctx.actual.step().calls or {}).get("dot_attention", 0)
    calls = counted or weights.shape[0]
    expected = (calls, calls * t1)
    if tuple(int(n) for n in numbers) != expected:
        how = f"called dot_attention {counted} times" if counted else f"computed {calls} rows of attention weights"
        return (f"for a source of T1 = {t1} annotations your greedy_decode_attn generated T2 = {t2} tokens and "
                f"{how}, scoring {calls * t1} query-key pairs; attention_counts({t1}, {t2}) gave "
                f"({int(numbers[0])}, {int(numbers[1])})")
    return None


LOOPS = (ast.For, ast.While, ast.AsyncFor)


@check_property(secondary=True, example='CheckSpec("no loops", "dot_attention", PropertyRule(name="no_for_or_while"), '
                                        'cases, observe=Observe(result=False, source=True))')
def no_for_or_while(ctx) -> str | None:
    """The function's source (parsed, never run) has no `for` or `while` statement."""
    source = ctx.actual.step().source
    if source is None:
        return "the grader cannot read its source; define it with def in a notebook cell"
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return "the grader cannot parse its source"
    for node in ast.walk(tree):
        if isinstance(node, LOOPS):
            return f"it uses a Python loop (line {node.lineno} of the function); use tensor operations instead"
    return None


# --- u7.2's measured curves ------------------------------------------------------------------------

def _curve(value: Any, name: str) -> dict[int, float] | str:
    if not isinstance(value, dict):
        return f"{name} should be a dict from latent size (int) to test error (float), got {kind_of(value)}"
    curve = {}
    for key, error in value.items():
        if isinstance(key, bool) or not isinstance(key, int) or key < 1:
            return f"{name} has the key {key!r}; the keys are latent sizes, positive ints"
        problem = plain_number(error, f"the entry for {key}")
        if problem:
            return problem
        if error <= 0:
            return f"the entry for {key} is {error:g}; a mean squared error is positive"
        curve[key] = float(error)
    return curve


@experiment(example='rerun-like CheckSpec: the constant ans_u7_2_q1_best, then ans_u7_2_q1 read whole')
def best_of_curve(value: Any, lookups: list, min_sizes: int = 3) -> str | None:
    """`value` (the best latent size) is the key with the smallest error of the curve read as the
    first lookup (a dict of at least `min_sizes` latent sizes)."""
    curve = _curve(lookups[0] if lookups else None, "the curve (ans_u7_2_q1)")
    if isinstance(curve, str):
        return curve
    if len(curve) < min_sizes:
        return f"the curve (ans_u7_2_q1) has {len(curve)} latent sizes; try at least {min_sizes}"
    if isinstance(value, bool) or not isinstance(value, int):
        return f"the best latent size should be an int, got {kind_of(value)}"
    best = min(curve, key=curve.get)
    if value != best:
        return f"it is {value}, but the smallest test error of the curve is {curve[best]:.4g}, at latent size {best}"
    return None


def course_error(size: int, sizes: list[int], errors: list[float]) -> float:
    """The course's error at latent `size`, interpolated between its measured sizes on
    log-log axes (the curve is smooth there)."""
    logs = [math.log(s) for s in sizes]
    x = math.log(size)
    for (x0, e0), (x1, e1) in zip(zip(logs, errors), zip(logs[1:], errors[1:])):
        if x0 <= x <= x1:
            t = (x - x0) / (x1 - x0) if x1 > x0 else 0.0
            return math.exp(math.log(e0) + t * (math.log(e1) - math.log(e0)))
    raise ValueError(f"latent size {size} is outside {sizes[0]}..{sizes[-1]}")


@experiment(example='rerun("agrees with the course\'s runs", "ans_u7_2_q2", "near_course_curve", sizes=[...], '
                    'errors=[...], close=0.08, wide=0.2, close_up_to=32)')
def near_course_curve(value: Any, lookups: list, sizes: list[int], errors: list[float], close: float, wide: float,
                      close_up_to: int, what: str = "the test error") -> str | None:
    """A dict from latent size to test error whose smallest and largest sizes within the
    course's measured range (`sizes`, with mean errors `errors` over seeds) agree with the
    course's error there, interpolated: within `close` (relative) for sizes up to
    `close_up_to`, within `wide` above."""
    curve = _curve(value, "the answer")
    if isinstance(curve, str):
        return curve
    inside = sorted(k for k in curve if sizes[0] <= k <= sizes[-1])
    if not inside:
        return f"it has no latent size between {sizes[0]} and {sizes[-1]}; include 16 and 64"
    for size in sorted({inside[0], inside[-1]}):
        expected = course_error(size, sizes, errors)
        band = close if size <= close_up_to else wide
        if abs(curve[size] - expected) > band * expected:
            return (f"{what} for latent size {size} is {curve[size]:.4g}; the course's runs give {expected:.4g} "
                    f"(accepted: within {band:.0%})")
    return None
