"""u7.4.q1: Preprocessing for both languages."""

from autograder.exercises import Call, Case, Exercise, fixture, kept, mistake, output
from autograder_units.unit7.common import SRC_SPECIALS, TGT_SPECIALS, TRANSLATION, build_vocab, sample_pairs

# The pairs are drawn from the whole Tatoeba file with the check's seed (the file's first lines
# are all one to three words, and one English sentence often has several translations). French
# punctuation follows U+202F or U+00A0 in this file, so whitespace tokenisation must be
# str.split() without an argument (the verified note): the encoding cases always include pairs
# with such spaces.
SAMPLE = 200


def sample(d) -> list[tuple[str, str]]:
    return sample_pairs(d.child_seed(), SAMPLE)


def vocabulary_inputs(d):
    pairs = sample(d)
    english, french = [s.split() for s, _ in pairs], [t.split() for _, t in pairs]
    calls = (given(english, "english", f"the English sentences of {SAMPLE} pairs, tokenised"),
             given(french, "french", f"the French sentences of {SAMPLE} pairs, tokenised"),
             Call((kept("english"), SRC_SPECIALS), label=f"the English sentences of {SAMPLE} pairs, min_freq 1"),
             Call((kept("french"), TGT_SPECIALS), label=f"the French sentences of {SAMPLE} pairs, min_freq 1"),
             Call((kept("french"), TGT_SPECIALS, 2), label=f"the French sentences of {SAMPLE} pairs, min_freq 2"),
             Call((kept("english"), SRC_SPECIALS), {"min_freq": 3},
                  label=f"the English sentences of {SAMPLE} pairs, min_freq=3"))
    return [Case(calls, label=f"vocabularies of {SAMPLE} Tatoeba pairs")]


def given(value, name: str, label: str) -> Call:
    """`value` kept where the checked code runs (sent once for all the calls of a case)."""
    return fixture(f"{TRANSLATION}.given", value, keep_as=name, label=label)


def vocabularies(pairs, min_freq: int) -> tuple[Call, Call]:
    return (given(build_vocab([s.split() for s, _ in pairs], SRC_SPECIALS, min_freq), "src_vocab",
                  f"the English vocabulary of {len(pairs)} pairs, min_freq {min_freq}"),
            given(build_vocab([t.split() for _, t in pairs], TGT_SPECIALS, min_freq), "tgt_vocab",
                  f"the French vocabulary of {len(pairs)} pairs, min_freq {min_freq}"))


VOCABS = (kept("src_vocab", "the English vocabulary"), kept("tgt_vocab", "the French vocabulary"))


def encoding_inputs(d):
    pairs = sample(d)
    spaced = [p for p in pairs if "\u202f" in p[1] or "\u00a0" in p[1]][:4]
    if not spaced:
        spaced = [("Run!", "Cours\u202f!")]
    chosen = spaced + [p for p in pairs if p not in spaced][:8]
    calls = [Call((src, tgt, *VOCABS), label=f"the pair {src!r} / {tgt!r}") for src, tgt in chosen]
    return [Case((*vocabularies(pairs, 2), *calls),
                 label=f"encode_pair with the vocabularies of {SAMPLE} pairs (min_freq 2)")]


def empty_inputs(d):
    pairs = sample(d)[:30]   # small vocabularies: the release carries them
    return [Case((*vocabularies(pairs, 1), Call(("", "", *VOCABS), label="two empty sentences"),
                  Call(("  ", "Bonjour\u202f!", *VOCABS), label="a source of spaces only and 'Bonjour\\u202f!'")),
                 label="encode_pair on empty sentences")]


EXERCISE = Exercise(
    "u7.4.q1", "Preprocessing for both languages", ["build_vocab", "encode_pair"],
    checks=[
        output("vocabularies", "build_vocab", vocabulary_inputs, weight=4),
        output("encoded pairs", "encode_pair", encoding_inputs, weight=4),
        output("empty sentences", "encode_pair", empty_inputs, weight=2),
    ],
    mistakes=[
        mistake("specials_after_the_words", fails=["vocabularies"], says="the English sentences"),
        mistake("ties_in_order_of_appearance", fails=["vocabularies"], says="min_freq 1"),
        mistake("ignores_min_freq", fails=["vocabularies"], says="min_freq 2"),
        mistake("splits_on_the_space_character", fails=["encoded pairs", "empty sentences"], says="\\u202f"),
        mistake("target_without_start", fails=["encoded pairs", "empty sentences"], says="expected shape"),
        mistake("unknown_words_dropped", fails=["encoded pairs", "empty sentences"], says="expected shape"),
    ],
)
