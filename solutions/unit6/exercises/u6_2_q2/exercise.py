"""u6.2.q2: nn.EmbeddingBag in place of an embedding and a sum."""

from autograder.exercises import Case, Exercise, kept, layers, mistake, output, raises, using
from autograder_units.unit6.common import WEIGHTS, build, classifier_shapes, empty_case, layer_case, random_sentences

CLASS = "EmbedBagClassify"


def sizes(d):
    return d.py.randint(20, 60), d.py.randint(3, 9)


def same_as_summing(d):
    """The weights of an EmbedSumClassify (by name, or by order or shape): the bag must sum.
    Sentences of two tokens or more, where a mean differs from a sum, and one of a single token."""
    vocab, dim = sizes(d)
    return [layer_case(d, CLASS, (vocab, dim), classifier_shapes(vocab, dim), s, ["embedding", "linear"], CLASS)
            for s in random_sentences(d, vocab, 4, 12)]


def bag_shape(d):
    vocab, dim = sizes(d)
    return [Case((build(CLASS, vocab, dim, what=f"{CLASS}({vocab}, {dim})"),
                  using(f"{WEIGHTS}.embedding_bag_shapes", kept("model"),
                        label=f"the weight shape of each nn.EmbeddingBag in {CLASS}({vocab}, {dim})")),
                 label=f"{CLASS}({vocab}, {dim})")]


def empty_cases(d):
    return [empty_case(CLASS, sizes(d))]


# The catalogue's soft timing check is left out: fed one sentence at a time on a CPU, the bag
# was 20-40 % slower than Embedding + sum (verified note), so it would fail honest answers.
EXERCISE = Exercise(
    "u6.2.q2", "nn.EmbeddingBag", [CLASS],
    checks=[
        layers("same log-probabilities as EmbedSumClassify", CLASS, same_as_summing, weight=3),
        output("an EmbeddingBag of shape (vocab_size, embed_dim)", CLASS, bag_shape, weight=1),
        raises("empty sentence", CLASS, empty_cases, ["ValueError"], weight=1),
    ],
    mistakes=[
        mistake("mean_mode", fails=["same log-probabilities as EmbedSumClassify"], says="after layer `embedding`"),
        mistake("embedding_and_sum", fails=["an EmbeddingBag of shape (vocab_size, embed_dim)"], says="expected a list of length 1"),
        mistake("no_empty_check", fails=["empty sentence"], says="should raise ValueError"),
    ],
)
