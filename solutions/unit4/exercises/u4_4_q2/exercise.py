"""u4.4.q2: CPU and GPU training times for a small and a large network."""

from autograder.exercises import Call, Case, Exercise, mistake, prop, rerun, using

# The answer's form is checked everywhere. Its plausibility only where the grading worker has a GPU
# (a student may compute the answer in the cell, and a CPU-only grader cannot measure a GPU); elsewhere
# the check is held for the TA: "not graded here", its points moved to the exercise's manual points
# (public/gpu_timings.py, Verdict.held_for_ta). Plausible (the catalogue's correction): the large
# network at least 2x faster on the GPU (60.2 s against 61.0 s is a run that never used the GPU), the
# small network's GPU time at least half its CPU time.


def plausibility_inputs(d):
    return [Case((using("devices.gpu_presence", label="whether the grading machine has a GPU"),
                  Call(read_only=True, label="ans_u4_4_q2")), label="")]


EXERCISE = Exercise(
    "u4.4.q2", "CPU and GPU, small and large networks", ["ans_u4_4_q2"],
    manual="the architectures and the explanation of the timings",
    cell_seconds=120,  # the answer may be measured in its cell
    checks=[
        rerun("the answer's form", "ans_u4_4_q2", "timing_format", weight=1),
        prop("plausible timings (where the grader has a GPU)", "ans_u4_4_q2", plausibility_inputs,
             "plausible_gpu_timings", weight=1, large_speedup=2.0, small_ratio=0.5),
    ],
    mistakes=[
        mistake("milliseconds_as_text", fails=["the answer's form", "plausible timings (where the grader has a GPU)"],
                says="positive number of seconds"),
    ],
)
