"""u2.8.q4: Batch sizes 1, 4, 16 and 512."""

from autograder.exercises import Exercise, mistake, rerun

# The answer is a dict from batch size (int) to test accuracy. Dicts with int keys do not
# cross the wire (they arrive as an opaque "dict"), so the re-run rule reads the entries with
# `ans_u2_8_q4.get(size)` and its `within_bands` experiment judges each against its band.
#
# Bands: the reference trainer of this setting (nn.Sequential(nn.Flatten(), nn.Linear(784, 10),
# nn.LogSoftmax(dim=1)), SGD lr 0.1, nn.NLLLoss, one shuffled epoch of the 60,000 training
# pictures, accuracy on the 10,000 test pictures; torch.manual_seed(seed) before building the
# model and the DataLoader(shuffle=True)), 30 seeds (0..29) per batch size:
#   batch 1:   0.6857 .. 0.8195, mean 0.7692 +- 0.0333
#   batch 4:   0.6744 .. 0.8271, mean 0.7802 +- 0.0387
#   batch 16:  0.6737 .. 0.8322, mean 0.8027 +- 0.0339 (seed 8 lowest, 0.6737; seed 20 next, 0.7345)
#   batch 512: 0.7174 .. 0.7724, mean 0.7548 +- 0.0122
# Each band is the observed range, widened to two decimals outwards, and for batch 1 and 4
# also covers the catalogue's verified spread (0.66 .. 0.80 and 0.68 .. 0.81): a single
# re-run with a +-0.05 window would reject honest answers, since one epoch ends wherever the
# last noisy minibatches leave it. (The catalogue's 0.81 for batch 4 alone would have
# rejected 5 of these 30 seeds.)
BATCH_SIZES = [1, 4, 16, 512]


ACCURACY_BANDS = [[0.66, 0.82], [0.67, 0.83], [0.67, 0.84], [0.71, 0.78]]


EXERCISE = Exercise(
    "u2.8.q4", "Batch sizes 1, 4, 16 and 512", ["ans_u2_8_q4", "ans_u2_8_q4_choice"],
    manual="the choice of a batch size and its reasons",
    # a student may measure the four accuracies in the answer's cell: one epoch with batch size 1
    # alone takes one to two minutes on a laptop's CPU
    cell_seconds=300,
    checks=[
        rerun("plausible test accuracies", "ans_u2_8_q4", "within_bands", weight=1, lookups=BATCH_SIZES,
              keys=BATCH_SIZES, bands=ACCURACY_BANDS, what="the test accuracy after one epoch with batch size"),
    ],
    mistakes=[
        mistake("training_accuracy_of_the_last_batch_instead_of_test_accuracy", fails=["plausible test accuracies"],
                says="batch size 1"),
        mistake("percentages_instead_of_fractions", fails=["plausible test accuracies"], says="batch size 1"),
        mistake("string_keys", fails=["plausible test accuracies"], says="no entry for 1"),
    ],
)

