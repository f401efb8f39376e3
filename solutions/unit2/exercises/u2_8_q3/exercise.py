"""u2.8.q3: Training for several epochs, evaluated after each."""

from autograder.exercises import Call, Exercise, accuracy, helper, hidden_only, kept, mistake, output, sequence, using
from autograder.exercises.fashion import accuracy_case, flat_model, small_loaders


def training(epochs: int, lr: float = 0.1, keep: bool = True) -> Call:
    return Call((kept("model", "the model"), kept("train", "the training loader"), kept("test", "the test loader"),
                 epochs, lr), keep_as="history" if keep else None, quiet=True,
                label=f"train_classifier(model, train_loader, test_loader, {epochs}, lr={lr:g})")


def first_steps_cases(d):
    cases = []
    # the release keeps one case: each reads back the layer's 7,850 parameters
    for lr in (0.1,) if d.release else (0.1, 0.05):
        what = f"one epoch of 10 batches of 32 training pictures, lr {lr:g}, from the judge's seeded model"
        cases.append(sequence(*small_loaders(d), flat_model(d.child_seed()), training(1, lr),
                              Call(target="$model.1.weight", read_only=True, label=f"the weight after {what}"),
                              Call(target="$model.1.bias", read_only=True, label=f"the bias after {what}"),
                              label=what))
    return cases


def evaluation_cases(d):
    what = "two epochs on 320 training pictures, test set of 150 pictures in batches of 50"
    return [sequence(*small_loaders(d), flat_model(d.child_seed(), record=True), training(2),
                     Call(("test_loss",), target="$history.__getitem__", label=f"history['test_loss'] after {what}"),
                     Call(("test_acc",), target="$history.__getitem__", label=f"history['test_acc'] after {what}"),
                     using("evaluation_modes.facts", kept("model"), 50,
                           label="how the model was called: training steps, test batches evaluated in eval mode "
                                 "without gradients, and batches in a mixed mode"),
                     label=what)]


def history_cases(d):
    cases = []
    for epochs in (1, 3):
        what = f"{epochs} epoch{'s' if epochs > 1 else ''} on 320 training pictures"
        cases.append(sequence(*small_loaders(d), flat_model(d.child_seed()), training(epochs),
                              Call((kept("history", "the history"),), make=helper("training_history.summary", "summary"),
                                   target="history", label=f"(entries, all in range) per key of the history after {what}"),
                              label=what))
    return cases


def full_training(d):
    return [accuracy_case(d, lambda epochs: training(epochs, keep=False))]


# Calibration (the reference over 10 seeds, each with its own start, shuffling and held-out pictures;
# 5 epochs, batch 256, lr 0.1 on the 60,000 training pictures):
#   2,000 perturbed held-out pictures (brightness x0.9-1.1, noise 0.05): 0.814 +- 0.008 (0.804 .. 0.833);
#   the clean held-out half 0.816 +- 0.003. A one-pixel shift costs this linear model about 9 points
#   (0.730 +- 0.008), so the pictures are not shifted here.
#   Full marks from 0.78 (about 4 standard deviations under the mean: room for another start, or a
#   learning rate between 0.05 and 0.2), nothing at 0.50 or less (an untrained model gets about 0.1).
#   The bar alone lets bugs through that still train (a loop without zero_grad ends near 0.78):
#   the first steps are compared with the reference's on the same model and batches.
#   Quick budget (the test suite: 2 epochs of 12,000 pictures, batch 64), 10 seeds: 0.770 +- 0.025
#   (0.724 .. 0.808); `autograder calibrate` with AUTOGRADER_BUDGET=quick: 0.778 +- 0.025
#   (0.737 .. 0.816). Full marks from 0.68, nothing at 0.45.
EXERCISE = Exercise(
    "u2.8.q3", "Training for several epochs, evaluated after each", ["train_classifier"],
    checks=[
        output("first steps", "train_classifier", first_steps_cases, weight=3, rtol=1e-4, atol=1e-6, trajectory=True),
        output("evaluation after each epoch", "train_classifier", evaluation_cases, weight=2, rtol=1e-4, atol=1e-6),
        output("the history", "train_classifier", history_cases, weight=1),
        hidden_only(accuracy("accuracy after 5 epochs", "train_classifier", full_training, weight=4,
                             full_at=0.78, zero_at=0.50, quick=(0.68, 0.45), predictions="scores",
                             what="perturbed held-out test pictures", case_seconds=120)),
    ],
    mistakes=[
        mistake("no_zero_grad", fails=["first steps"], says="the weight after one epoch"),
        mistake("gradient_ascent", fails=["first steps", "accuracy after 5 epochs"], says="the weight after one epoch"),
        mistake("evaluates_in_train_mode_with_gradients", fails=["evaluation after each epoch"],
                says="training batches (train mode, grad enabled)"),
        mistake("evaluates_in_eval_mode_with_gradients", fails=["evaluation after each epoch"],
                says="expected 6 at ['test batches (eval mode, no grad)'], got 0"),
        mistake("evaluates_on_the_training_set", fails=["evaluation after each epoch"], says="history['test_loss']"),
        mistake("history_per_batch_instead_of_per_epoch", fails=["the history"], says="(entries, all in range)"),
        # accuracy is credited only when the trajectory ("first steps") passes
        mistake("pastes_weights_trained_elsewhere", fails=["first steps", "accuracy after 5 epochs"],
                says="accuracy is not credited until its 'first steps' check passes"),
    ],
)

