"""u3.3.q2: A decaying schedule for the Fashion-MNIST classifier."""

from autograder.exercises import (
    Call, Case, Exercise, accuracy, fixture, hidden_only, kept, made, mistake, output, sequence, using,
)
from autograder.exercises.fashion import accuracy_case

# What the checks build around the student's code is the grader's, in public/fixtures/:
# schedules.py (an SGD optimizer over one parameter, reading its rate, scheduler factories,
# one of which keeps every scheduler it makes in a list the judge reads afterwards) and
# small_classifier.py (a flat Fashion-MNIST-shaped classifier, loaders with a fixed order).


def read_lr(when: str) -> Call:
    return using("schedules.learning_rates", kept("opt", "the optimizer"), label=when)


def scheduler_case(lr: float, gamma: float | None, checkpoints: tuple[int, ...]) -> Case:
    made_by = f"make_exponential_scheduler(optimizer{'' if gamma is None else f', {gamma:g}'})"
    calls = [fixture("schedules.sgd_on_one_parameter", lr, keep_as="opt", label=f"an SGD optimizer with lr {lr:g}"),
             Call((kept("opt", "an SGD optimizer"),) + (() if gamma is None else (gamma,)), keep_as="scheduler",
                  quiet=True, label=made_by),
             read_lr(f"the rate of an optimizer made with lr {lr:g}, right after {made_by}")]
    done = 0
    for k in checkpoints:
        for _ in range(k - done):
            calls += [Call(target="$opt.step", quiet=True, label="optimizer.step()"),
                      Call(target="$scheduler.step", quiet=True, label="scheduler.step()")]
        done = k
        calls.append(read_lr(f"the rate of an optimizer made with lr {lr:g}, after {k} step() "
                             f"call{'' if k == 1 else 's'} of {made_by}"))
    return sequence(*calls, label=f"{made_by} on an SGD optimizer with lr {lr:g}")


def scheduler_inputs(d):
    return [scheduler_case(0.1, None, (1, 3, 10)), scheduler_case(0.3, 0.5, (1, 2, 5)),
            scheduler_case(round(d.py.uniform(0.01, 1.0), 3), round(d.py.uniform(0.5, 0.99), 2), (1, 4))]


def per_epoch_case(d, epochs: int, batch: int, lr: float, gamma: float, weights: bool = False):
    images, labels = d.rand(5 * batch, 1, 28, 28), d.randint(0, 10, (5 * batch,))
    test_images, test_labels = d.rand(2 * batch, 1, 28, 28), d.randint(0, 10, (2 * batch,))
    what = f"{epochs} epochs on a loader of 5 batches of {batch} random pictures, lr {lr:g}, gamma {gamma:g}"
    calls = [fixture("small_classifier.flat_classifier", keep_as="model", label="a seeded flat classifier"),
             fixture("small_classifier.fixed_order_loader", images, labels, batch, keep_as="train",
                     label="a training loader of 5 batches"),
             fixture("small_classifier.fixed_order_loader", test_images, test_labels, batch, keep_as="test",
                     label="a test loader of 2 batches"),
             fixture("schedules.new_scheduler_list", keep_as="made", label="a list for the schedulers"),
             fixture("schedules.recording_factory", kept("made"), gamma, keep_as="factory",
                     label=f"a factory of ExponentialLR(optimizer, {gamma:g})"),
             Call((kept("model", "the classifier"), kept("train", "the training loader"),
                   kept("test", "the test loader"), epochs),
                  {"lr": lr, "scheduler": kept("factory", "a scheduler factory")}, quiet=True,
                  label=f"train_classifier for {what}"),
             using("schedules.rates_of_schedulers", kept("made"),
                   label=f"the optimizer's lr after {what} (one entry per scheduler the factory made)")]
    if weights:
        calls = calls[:-1] + [Call(target="$model.1.weight", read_only=True, label=f"the weight after {what}"),
                              Call(target="$model.1.bias", read_only=True, label=f"the bias after {what}")]
    return sequence(*calls, label=what)


DECAY_FACTORY = made("schedules.exponential_decay", 0.9, label="a factory of ExponentialLR(optimizer, 0.9)")


def decayed_training(d):
    """The judge's flat model trained with the student's loop and an exponential decay."""
    def training(epochs: int) -> Call:
        return Call((kept("model", "the model"), kept("train", "the training loader"),
                     kept("test", "the test loader"), epochs), {"lr": 0.1, "scheduler": DECAY_FACTORY}, quiet=True,
                    label=f"train_classifier(model, train_loader, test_loader, {epochs}, lr=0.1, scheduler=...)")
    return [accuracy_case(d, training, setting="lr 0.1 decayed by 0.9 per epoch")]


def per_epoch_inputs(d):
    return [per_epoch_case(d, 3, 4, 0.1, 0.9), per_epoch_case(d, 2, 3, 0.05, 0.5)]


def trained_parameters(d):
    """The judge's seeded classifier after the student's loop with a decaying rate: its weights
    must be the reference loop's (a loop that loads weights trained elsewhere shows here)."""
    return [per_epoch_case(d, 3, 4, 0.1, 0.9, weights=True)]


# Calibration of "accuracy with decay" (`autograder calibrate unit3 u3.3.q2 --seeds 10`, the judge's
# flat model, 5 epochs of the 60,000 pictures, batch 256, lr 0.1 decayed by 0.9 per epoch, scored
# on 2,000 perturbed held-out pictures): 0.815 +- 0.010 (0.795 .. 0.832), as without decay (u2.8.q3:
# 0.814 +- 0.008); the bars are u2.8.q3's, full marks from 0.78, nothing at 0.50. Quick budget (tests:
# 2 epochs of 12,000 pictures, batch 64): 0.766 +- 0.026 (0.721 .. 0.805); full marks from 0.68.
# "parameters after the decayed epochs" compares the weights the student's loop reaches from the
# judge's start with the reference loop's: accuracy is credited only when it (and the per-epoch
# schedule) passes, so weights trained elsewhere and pasted in earn nothing.
EXERCISE = Exercise(
    "u3.3.q2", "A decaying schedule for the Fashion-MNIST classifier",
    ["make_exponential_scheduler", "train_classifier"],
    manual="the plot comparing training with and without decay",
    checks=[
        output("rate after k steps", "make_exponential_scheduler", scheduler_inputs, weight=3),
        output("one scheduler step per epoch", "train_classifier", per_epoch_inputs, weight=3, trajectory=True),
        output("parameters after the decayed epochs", "train_classifier", trained_parameters, weight=2,
               rtol=1e-4, atol=1e-6, trajectory=True),
        hidden_only(accuracy("accuracy with decay", "train_classifier", decayed_training, weight=4,
                             full_at=0.78, zero_at=0.50, quick=(0.68, 0.45), predictions="scores",
                             what="perturbed held-out test pictures", case_seconds=120)),
    ],
    mistakes=[
        mistake("the_multiplier_read_as_the_previous_rate", fails=["rate after k steps"],
                says="right after make_exponential_scheduler(optimizer)"),
        mistake("gamma_fixed_to_0_9", fails=["rate after k steps"],
                says="of make_exponential_scheduler(optimizer, 0.5), expected 0.15"),
        mistake("one_decay_too_many", fails=["rate after k steps"], says="expected 0.1 at [0], got 0.09"),
        mistake("steps_the_scheduler_after_every_batch", fails=["one scheduler step per epoch"],
                says="3 epochs on a loader of 5 batches"),
        mistake("a_new_scheduler_every_epoch", fails=["one scheduler step per epoch"], says="length"),
        mistake("accepts_a_scheduler_but_never_steps_it",
                fails=["one scheduler step per epoch", "parameters after the decayed epochs"],
                says="expected 0.0729 at [0], got 0.1"),
    ],
)
