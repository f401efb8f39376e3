"""What several of unit 7's exercises share: the data as the judge reads it (the course's
blobs, held-out pictures, Tatoeba pairs), the course's vocabulary rule, weights drawn for the
grader's decoders, and a builder for checks scored by a property with calibrated bars.

The judge reads the data sets from the course's data folder (AUTOGRADER_DATA, set by the check
set); the worker sees the same files, except that its view scrambles the labels of the
held-out half of the test splits (autograder/exercises/data.py), which u7.1-u7.3 do not need:
reconstruction is scored against clean pictures the judge keeps.
"""

from __future__ import annotations

import collections
import functools
import math
import random

import torch

from autograder.checks.properties import PropertyRule
from autograder.exercises.data import DataMissing, Perturbation, data_dir, held_out_pictures
from autograder.exercises.spec import CaseSource, CheckSpec

F64 = torch.float64
SRC_SPECIALS = ["<UNK>", "<END>"]
TGT_SPECIALS = ["<UNK>", "<END>", "<START>"]
UNK, END, START = 0, 1, 2
TRANSLATION = "translation"   # public/fixtures/translation.py
PICTURES = "pictures"         # public/fixtures/pictures.py
LINEAR_AE = "linear_ae"       # public/fixtures/linear_ae.py


def scored(name: str, artifact: str, cases: CaseSource, property: str, weight: float = 1.0,
           quick: dict | None = None, case_seconds: float = 10.0, **params) -> CheckSpec:
    """A property check whose bars (`params`) were calibrated on the reference, with other bars
    (`quick`) for the test suite's small budget."""
    rule = PropertyRule(name=property, params=params)
    quick_rule = PropertyRule(name=property, params={**params, **quick}) if quick else None
    return CheckSpec(name, artifact, rule, cases, weight, case_seconds=case_seconds, quick_rule=quick_rule)


# --- u7.1: the course's blobs -------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def blobs() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """make_blobs(100, 2, centers=2, random_state=1) as float32 points, float32 labels 0/1, and
    the two centres the points were drawn around (float64)."""
    from sklearn.datasets import make_blobs

    points, labels, centres = make_blobs(n_samples=100, n_features=2, centers=2, random_state=1,
                                         return_centers=True)
    return (torch.tensor(points, dtype=torch.float32), torch.tensor(labels, dtype=torch.float32),
            torch.tensor(centres, dtype=F64))


def fresh_blob_points(d, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` new points of the course's two blobs (unit spread around the same centres): float32
    points and float32 labels 0/1."""
    _, _, centres = blobs()
    labels = torch.randint(0, 2, (n,), generator=d.g)
    points = centres[labels] + torch.randn(n, 2, generator=d.g, dtype=F64)
    return points.to(torch.float32), labels.to(torch.float32)


def principal_encoder(d) -> tuple[torch.Tensor, torch.Tensor]:
    """Weights (1, 2) and bias (1,) of a Linear(2, 1) encoder whose code runs along the blobs'
    direction of largest spread, as a trained linear autoencoder's does (random sign, scale and
    a small tilt)."""
    X, _, _ = blobs()
    centred = X.to(F64) - X.to(F64).mean(dim=0)
    direction = torch.linalg.svd(centred, full_matrices=False).Vh[0]
    tilt = d.py.uniform(-0.1, 0.1)
    rotation = torch.tensor([[math.cos(tilt), -math.sin(tilt)], [math.sin(tilt), math.cos(tilt)]], dtype=F64)
    weight = (rotation @ direction) * d.py.choice([-1, 1]) * d.py.uniform(0.5, 1.5)
    bias = -(weight @ X.to(F64).mean(dim=0)) + d.py.uniform(-1, 1)
    return weight.reshape(1, 2).to(torch.float32), bias.reshape(1).to(torch.float32)


# --- u7.2 and u7.3: held-out pictures --------------------------------------------------------------

UNPERTURBED_SHIFT = Perturbation(shift=0, brightness=(0.9, 1.1), noise=0.0)


def corrupted_held_out(d, n: int, p: float = 0.5) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` held-out Fashion-MNIST test pictures (brightness x0.9-1.1) and the same pictures with
    each pixel dropped with probability p and the others divided by 1 - p (drawn by the judge):
    (corrupted, clean), float32 (n, 1, 28, 28)."""
    clean, _ = held_out_pictures(d.g, n, UNPERTURBED_SHIFT)
    keep = torch.rand(clean.shape, generator=d.g) >= p
    return clean * keep / (1 - p), clean


# --- u7.4: Tatoeba -------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def tatoeba() -> tuple[tuple[str, str], ...]:
    """Every (English, French) pair of the ManyThings.org Tatoeba file."""
    path = data_dir() / "tatoeba" / "fra-eng" / "fra.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise DataMissing(f"Tatoeba English-French is missing: {path}") from None
    return tuple(tuple(line.split("\t")[:2]) for line in lines if "\t" in line)


def sample_pairs(seed: int, n: int) -> list[tuple[str, str]]:
    """`n` pairs drawn with `seed` from the whole file (its first lines are all one to three words)."""
    return random.Random(seed).sample(tatoeba(), n)


def short_pairs(seed: int, n: int, max_words: int = 5) -> list[tuple[str, str]]:
    """`n` pairs of at most `max_words` words per side with distinct English sentences (a source
    with two targets cannot be learned exactly for both)."""
    rng, chosen, seen = random.Random(seed), [], set()
    short = [p for p in tatoeba() if len(p[0].split()) <= max_words and len(p[1].split()) <= max_words]
    while len(chosen) < n:
        pair = rng.choice(short)
        if pair[0] not in seen:
            seen.add(pair[0])
            chosen.append(pair)
    return chosen


def build_vocab(tokenized, specials, min_freq: int = 1) -> dict[str, int]:
    """The course's rule (unit 6): the specials, then tokens seen at least `min_freq` times by
    decreasing count, ties in string order."""
    counts = collections.Counter(t for sentence in tokenized for t in sentence)
    kept = sorted((t for t, c in counts.items() if c >= min_freq and t not in specials), key=lambda t: (-counts[t], t))
    return {t: i for i, t in enumerate(list(specials) + kept)}


def encoded(pairs: list[tuple[str, str]]) -> tuple[list[tuple[torch.Tensor, torch.Tensor]], int, int]:
    """The pairs as (source, target) int64 tensors with vocabularies built from them, and the
    two vocabularies' sizes."""
    src_vocab = build_vocab([s.split() for s, _ in pairs], SRC_SPECIALS)
    tgt_vocab = build_vocab([t.split() for _, t in pairs], TGT_SPECIALS)
    tensors = []
    for src, tgt in pairs:
        s = [src_vocab.get(w, UNK) for w in src.split()] + [END]
        t = [START] + [tgt_vocab.get(w, UNK) for w in tgt.split()] + [END]
        tensors.append((torch.tensor(s), torch.tensor(t)))
    return tensors, len(src_vocab), len(tgt_vocab)


def random_pair(d, src_vocab: int, tgt_vocab: int, src_len: int, tgt_words: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A random sentence pair of ids: a source of `src_len` ids ending with <END>, a target
    <START>, `tgt_words` ids, <END> (ids of words from 3 up)."""
    src = torch.cat([torch.randint(2, src_vocab, (src_len - 1,), generator=d.g), torch.tensor([END])])
    tgt = torch.cat([torch.tensor([START]), torch.randint(3, tgt_vocab, (tgt_words,), generator=d.g),
                     torch.tensor([END])])
    return src, tgt


# --- weights the judge draws ------------------------------------------------------------------------

def uniform(d, shape: tuple[int, ...], bound: float) -> torch.Tensor:
    return (torch.rand(shape, generator=d.g) * 2 - 1) * bound


def decoder_weights(d, vocab: int, embed: int, hidden: int, end_bias: float = 0.0) -> dict[str, torch.Tensor]:
    """Weights for translation.decoder: PyTorch's default scales, with `end_bias` added to the
    output bias of <END> (large: <END> always wins; very negative: never)."""
    bound = hidden ** -0.5
    linear_bias = uniform(d, (vocab,), bound)
    linear_bias[END] += end_bias
    return {"embedding": torch.randn(vocab, embed, generator=d.g),
            "weight_ih": uniform(d, (hidden, embed), bound), "weight_hh": uniform(d, (hidden, hidden), bound),
            "bias_ih": uniform(d, (hidden,), bound), "bias_hh": uniform(d, (hidden,), bound),
            "linear_weight": uniform(d, (vocab, hidden), 2.0 * bound), "linear_bias": linear_bias}


def attention_decoder_weights(d, vocab: int, embed: int, hidden: int, end_bias: float = 0.0) -> dict[str, torch.Tensor]:
    """Weights for translation.attention_decoder (its context cell's W is (H, E + 2H))."""
    bound = hidden ** -0.5
    linear_bias = uniform(d, (vocab,), bound)
    linear_bias[END] += end_bias
    return {"embedding": torch.randn(vocab, embed, generator=d.g),
            "weight": uniform(d, (hidden, embed + 2 * hidden), 1.5 * bound), "bias": uniform(d, (hidden,), bound),
            "linear_weight": uniform(d, (vocab, hidden), 2.0 * bound), "linear_bias": linear_bias}


def seq2seq_weights(d, src_vocab: int, tgt_vocab: int, embed: int, hidden: int, layers: int,
                    end_bias: float = 0.0) -> dict[str, torch.Tensor]:
    """Weights for a Seq2Seq by role (translation.load_seq2seq), at PyTorch's default scales,
    with `end_bias` added to the output bias of <END> (so that some sentences stop early)."""
    bound = hidden ** -0.5
    weights = {"src_embedding": torch.randn(src_vocab, embed, generator=d.g),
               "tgt_embedding": torch.randn(tgt_vocab, embed, generator=d.g)}
    for layer in range(layers):
        inputs = embed if layer == 0 else hidden
        weights[f"lstm.weight_ih_l{layer}"] = uniform(d, (4 * hidden, inputs), bound)
        weights[f"lstm.weight_hh_l{layer}"] = uniform(d, (4 * hidden, hidden), bound)
        weights[f"lstm.bias_ih_l{layer}"] = uniform(d, (4 * hidden,), bound)
        weights[f"lstm.bias_hh_l{layer}"] = uniform(d, (4 * hidden,), bound)
    weights.update({"cell.weight_ih": uniform(d, (hidden, embed), bound),
                    "cell.weight_hh": uniform(d, (hidden, hidden), bound),
                    "cell.bias_ih": uniform(d, (hidden,), bound), "cell.bias_hh": uniform(d, (hidden,), bound),
                    "output.weight": uniform(d, (tgt_vocab, hidden), 2.0 * bound),
                    "output.bias": uniform(d, (tgt_vocab,), bound)})
    weights["output.bias"][END] += end_bias
    return weights


def greedy_steps(weights: dict[str, torch.Tensor], context: torch.Tensor, max_len: int,
                 attention: torch.Tensor | None = None) -> list[int]:
    """The tokens the course's greedy decoding produces with `weights` (decoder_weights, or with
    `attention` annotations attention_decoder_weights), computed in the judge to choose cases
    where <END> comes neither first nor never."""
    with torch.no_grad():
        h = torch.zeros(weights["bias"].shape[0]) if attention is not None else context
        token, found = START, []
        for _ in range(max_len):
            x = weights["embedding"][token]
            if attention is None:
                h = torch.tanh(weights["weight_ih"] @ x + weights["bias_ih"] + weights["weight_hh"] @ h
                               + weights["bias_hh"])
            else:
                c = torch.softmax(attention @ h, dim=0) @ attention
                h = torch.tanh(weights["weight"] @ torch.cat([x, h, c]) + weights["bias"])
            token = int((weights["linear_weight"] @ h + weights["linear_bias"]).argmax())
            found.append(token)
            if token == END:
                break
        return found


def ending_midway(weights: dict[str, torch.Tensor], context: torch.Tensor, max_len: int,
                  attention: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """`weights` with the smallest change of the bias of <END> (up to 6 either way) that makes
    decoding stop after 3 to max_len - 1 tokens, so that the case tells a decoder that stops
    from one that does not."""
    for extra in sorted((0.25 * k for k in range(-24, 25)), key=abs):
        trial = dict(weights, linear_bias=weights["linear_bias"].clone())
        trial["linear_bias"][END] += extra
        steps = greedy_steps(trial, context, max_len, attention)
        if steps[-1] == END and 3 <= len(steps) < max_len:
            return trial
    return weights


def end_margins(weights: dict[str, torch.Tensor], pairs, layers: int, forced: bool = False) -> list[list[float]]:
    """For each pair, how far <END>'s logit stays below the best other token's at each step of
    the course's Seq2Seq with `weights` (free running, or fed the target with `forced`), up to
    the step where <END> wins (a negative margin) or the target's length. Raising <END>'s bias
    by e changes nothing until e exceeds a margin, so the decoding stops at the first step whose
    margin is below e: one run gives the lengths for every bias."""
    embed, hidden = weights["src_embedding"].shape[1], weights["cell.weight_hh"].shape[0]
    lstm = torch.nn.LSTM(embed, hidden, layers)
    with torch.no_grad():
        for name, parameter in lstm.named_parameters():
            parameter.copy_(weights[f"lstm.{name}"])
        margins = []
        for src, tgt in pairs:
            h = lstm(weights["src_embedding"][src].unsqueeze(1))[0][-1, 0]
            token, found = int(tgt[0]), []
            for step in range(len(tgt) - 1):
                x = weights["tgt_embedding"][int(tgt[step]) if forced else token]
                h = torch.tanh(weights["cell.weight_ih"] @ x + weights["cell.bias_ih"] + weights["cell.weight_hh"] @ h
                               + weights["cell.bias_hh"])
                logits = weights["output.weight"] @ h + weights["output.bias"]
                others = torch.cat([logits[:END], logits[END + 1:]])
                found.append(float(others.max() - logits[END]))
                token = int(logits.argmax())
                if token == END:
                    break
            margins.append(found)
        return margins


def stopping_early(weights: dict[str, torch.Tensor], pairs, layers: int,
                   forced: bool = False) -> dict[str, torch.Tensor] | None:
    """`weights` with the smallest extra bias on <END> (0 to 6, in steps of 0.1) under which at
    least two of `pairs` stop before their target's length and at least two do not, so that the
    cases tell a decoder that stops at <END> from one that goes on; None when no bias does
    (random weights often fall into a cycle that the context barely changes)."""
    margins = end_margins(weights, pairs, layers, forced)
    for extra in [0.1 * k for k in range(61)]:
        early = sum(any(m < extra for m in steps[:len(tgt) - 2]) for steps, (_, tgt) in zip(margins, pairs))
        if 2 <= early <= len(pairs) - 2:
            trial = dict(weights, **{"output.bias": weights["output.bias"].clone()})
            trial["output.bias"][END] += extra
            return trial
    return None
