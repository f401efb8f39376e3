"""u5.3.q2: A convolution layer whose kernel starts in U[-1/sqrt(K), 1/sqrt(K)]."""

from autograder.exercises import Call, Exercise, fixture, kept, mistake, output, prop, sequence, using
from autograder_units.unit5.common import SCALED, dims, unit_kernel


def draw_inputs(d):
    cases = []
    for size in ((40, 50), (60, 30)):
        calls = []
        for name in ("first", "second"):
            calls += [Call((size,), keep_as=name, quiet=True, label=f"ConvLayer_1({size})"),
                      using("conv_layers.kernel_draw", kept(name), label=f"the kernel of a {name} ConvLayer_1({size})")]
        cases.append(sequence(*calls, label=f"two layers ConvLayer_1({size})"))
    return cases


def forward_inputs(d):
    cases = []
    for n, picture, kernel in ((4, (10, 12), (3, 3)), (1, (6, 5), (2, 5)), (2, (3, 3), (1, 1)), (3, (5, 4), (5, 4)),
                               (8, (28, 28), (3, 3))):
        what = f"ConvLayer_1({kernel}) with a random kernel"
        cases.append(sequence(
            Call((kernel,), keep_as="layer", quiet=True, label=f"ConvLayer_1({kernel})"),
            fixture("conv_layers.with_kernel", kept("layer"), unit_kernel(d, kernel), keep_as="set",
                    label=f"{what} (set in its kern)"),
            Call((d.rand(n, *picture),), target="$set", label=f"{what} on {n} pictures {dims(picture)}"),
            label=f"{what} on a batch {dims((n, *picture))}"))
    return cases


# Statistics (solutions/unit5/public/judging.py, `uniform_kernel`): for K = 2,000 and 1,800 entries
# the bound, the mean (4 standard errors), the variance within 8 % of 1/(3K) (4 standard errors
# of the sample variance, sqrt(0.8 / K) = 2 %: the verified note's 5 % rejected 1.15 % of correct
# layers), a KS test at p >= 1e-4, and two constructions that differ. Calibration (`autograder
# calibrate unit5 u5.3.q2 --seeds 50`, the reference's layer): 100 of 100 cases passed (200 layers).
EXERCISE = Exercise(
    "u5.3.q2", "A convolution layer whose kernel starts in U[-1/sqrt(K), 1/sqrt(K)]", ["ConvLayer_1"],
    checks=[
        output("forward equals the convolution", "ConvLayer_1", forward_inputs, weight=4, **SCALED),
        prop("kernel drawn from U[-1/sqrt(K), 1/sqrt(K)]", "ConvLayer_1", draw_inputs, "uniform_kernel", weight=6),
    ],
    mistakes=[
        mistake("the_text_s_uniform_0_1", fails=["kernel drawn from U[-1/sqrt(K), 1/sqrt(K)]"], says="outside"),
        mistake("a_standard_normal_start", fails=["kernel drawn from U[-1/sqrt(K), 1/sqrt(K)]"], says="outside"),
        mistake("bound_1_over_k", fails=["kernel drawn from U[-1/sqrt(K), 1/sqrt(K)]"], says="variance"),
        mistake("kern_is_a_plain_tensor", fails=["kernel drawn from U[-1/sqrt(K), 1/sqrt(K)]"], says="nn.Parameter"),
        mistake("the_same_kernel_every_time", fails=["kernel drawn from U[-1/sqrt(K), 1/sqrt(K)]"],
                says="two constructions gave the same kernel"),
        mistake("flips_the_kernel", fails=["forward equals the convolution"], says="values differ"),
    ],
)
