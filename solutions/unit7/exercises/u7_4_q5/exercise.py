"""u7.4.q5: Teacher forcing."""

from autograder.exercises import Call, Case, Exercise, fixture, hidden_only, kept, mistake, output, using
from autograder_units.unit7.common import TRANSLATION, encoded, scored, short_pairs
from autograder_units.unit7.exercises.u7_4_q4.exercise import CONFIGS, model_steps, pairs_for, trainer_case

# Seq2Seq and train_seq2seq are the artifacts of u7.4.q4 too (one class, one trainer, with the
# teacher_forcing argument this exercise adds); the cases here call them with teacher forcing.
# The weights are chosen (in the judge) so that a teacher-forced run predicts <END> before the
# target's end for some pairs: a forced loop that stops there is caught.


def forced_inputs(d):
    cases = []
    for config in CONFIGS:
        pairs = pairs_for(d, config, 8)
        calls = [Call((src, tgt), {"teacher_forcing": True}, target="$model",
                      label=f"pair {i + 1} with teacher forcing: a source of {len(src)} ids, a target of {len(tgt)} ids")
                 for i, (src, tgt) in enumerate(pairs)]
        cases.append(Case((*model_steps(d, config, pairs, forced=True), *calls),
                          label=f"model(src, tgt, teacher_forcing=True) for 8 pairs, Seq2Seq{config} with the "
                                "course's weights"))
    return cases


def fed_inputs(d):
    cases = []
    for config in CONFIGS:
        src, tgt = pairs_for(d, config, 1)[0]
        label = f"the ids fed to the target embedding with teacher forcing, for a target of {len(tgt)} ids"
        cases.append(Case((*model_steps(d, config),
                           fixture(f"{TRANSLATION}.record_target_inputs", kept("model"), config[1], keep_as="seen",
                                   label="a recorder on the target embedding"),
                           Call((src, tgt), {"teacher_forcing": True}, target="$model", quiet=True,
                                label="model(src, tgt, teacher_forcing=True)"),
                           using(f"{TRANSLATION}.recorded", kept("seen"), label=label)), label=label))
    return cases


def trainer_inputs(d):
    return [trainer_case(d, 2, 0.01, 5, teacher_forcing=True)]


SOONER = {"full": (20, 16), "quick": (8, 16)}   # (pairs, epochs of each run)


def sooner_inputs(d):
    count, epochs = SOONER["quick" if d.quick else "full"]
    pairs, src_vocab, tgt_vocab = encoded(short_pairs(d.child_seed(), count))
    what = f"Seq2Seq({src_vocab}, {tgt_vocab}, 32, 64, 1)"
    return [Case((Call((src_vocab, tgt_vocab, 32, 64, 1), target="Seq2Seq", keep_as="free", quiet=True, label=what),
                  fixture(f"{TRANSLATION}.copy_of", kept("free", what), keep_as="forced",
                          label="a copy of it: the same start"),
                  Call((kept("free"), pairs, epochs, 3e-3), label=f"train_seq2seq(model, pairs, {epochs}, 3e-3)"),
                  Call((kept("forced"), pairs, epochs, 3e-3), {"teacher_forcing": True},
                       label=f"train_seq2seq(copy, pairs, {epochs}, 3e-3, teacher_forcing=True)")),
                 label=f"{what} trained on {count} short Tatoeba pairs for {epochs} epochs, with and without teacher "
                       "forcing, from the same start")]


# Calibration of "teacher forcing learns sooner" (the reference, two runs from one start, Adam lr
# 3e-3, 20 pairs): teacher forcing first falls below 10 % of its own first epoch's loss after 11-12
# epochs (10 seeds; `autograder calibrate unit7 u7.4.q5 --seeds 10`: 11.1 +- 0.3, 10 of 10 pass;
# 10-12 in the earlier scripted runs), free running after 19-28 (lr 1e-3: 24-28
# against 40-53, as the verified note's 24-26 against 43-48). Each run gets 16 epochs: teacher
# forcing has 4 to spare, free running cannot get there, so a correct answer passes and forcing
# that changes nothing fails. Quick budget (tests): 8 pairs, 16 epochs: teacher forcing after 11-13
# epochs (10 seeds), all pass.
EXERCISE = Exercise(
    "u7.4.q5", "Teacher forcing", ["Seq2Seq", "train_seq2seq"],
    manual="(b) the plot of both loss curves",
    checks=[
        output("teacher-forced tokens and loss", "Seq2Seq", forced_inputs, weight=3, rtol=1e-4, atol=1e-5),
        output("the embedding is fed the target", "Seq2Seq", fed_inputs, weight=2),
        output("train_seq2seq passes teacher_forcing on", "train_seq2seq", trainer_inputs, weight=2, trajectory=True,
               rtol=1e-4, atol=1e-6),
        hidden_only(scored("teacher forcing learns sooner", "train_seq2seq", sooner_inputs,
                           "sooner_with_teacher_forcing", weight=3, case_seconds=240)),
    ],
    # the first three redefine Seq2Seq: validation grades them with u7.4.q4's first three, which are
    # in train_seq2seq (see there)
    mistakes=[
        mistake("forcing_ignored", fails=["teacher-forced tokens and loss", "the embedding is fed the target",
                                          "teacher forcing learns sooner"], says="with teacher forcing"),
        mistake("stops_at_a_predicted_end", fails=["teacher-forced tokens and loss"], says="length"),
        mistake("feeds_the_token_to_predict", fails=["teacher-forced tokens and loss", "the embedding is fed the target"],
                says="with teacher forcing"),
        mistake("the_trainer_drops_the_flag", fails=["train_seq2seq passes teacher_forcing on"],
                says="train_seq2seq"),
    ],
)
