"""u3.5.q4: Inference mode for the BN class."""

import torch

from autograder.exercises import Call, Exercise, grad, mistake, output, raises, sequence
from autograder_units.unit3.common import F64


def bn_new(width: int, **kwargs) -> Call:
    extra = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return Call((width,), kwargs, keep_as="bn", label=f"BN({width}{extra})")


def bn_train_inputs(d):
    cases = []
    for n, width in ((2, 3), (16, 5), (64, 1)):
        x = d.randn(n, width, dtype=torch.float32) * 3 + 2
        cases.append(sequence(bn_new(width), Call((x,), target="$bn", label=f"a train-mode batch of shape ({n}, {width})"),
                              label=f"BN({width}) on a batch of shape ({n}, {width})"))
    x = d.randn(8, 4) * 0.01
    cases.append(sequence(bn_new(4, eps=0.1), Call((x,), target="$bn", label="a batch of shape (8, 4) with tiny spread"),
                          label="BN(4, eps=0.1) on a batch with tiny spread"))
    return cases


def bn_buffer_inputs(d):
    calls = [bn_new(3, momentum=0.2)]
    for k in range(3):
        calls.append(Call((d.randn(10, 3) * (k + 1) + k,), target="$bn", label=f"train-mode batch {k + 1} of 3"))
    calls += [Call(target="$bn.running_mean", read_only=True, label="running_mean after 3 train-mode batches"),
              Call(target="$bn.running_var", read_only=True, label="running_var after 3 train-mode batches")]
    default = [bn_new(2), Call((d.randn(5, 2) * 2 + 1,), target="$bn", label="one train-mode batch of shape (5, 2)"),
               Call(target="$bn.running_mean", read_only=True, label="running_mean after one batch"),
               Call(target="$bn.running_var", read_only=True, label="running_var after one batch")]
    return [sequence(*calls, label="BN(3, momentum=0.2) after 3 train-mode batches"),
            sequence(*default, label="BN(2) after one train-mode batch")]


def bn_eval_inputs(d):
    batch = d.randn(12, 3) * 2 + 1
    rows = d.randn(6, 3) * 2
    calls = [bn_new(3), Call((batch,), target="$bn", label="a train-mode batch of shape (12, 3)"),
             Call(target="$bn.eval", label="switching to eval mode"),
             Call((rows,), target="$bn", label="an eval-mode batch of shape (6, 3)"),
             Call((rows[2:3].clone(),), target="$bn", label="one of its rows alone, in eval mode"),
             Call(target="$bn.running_mean", read_only=True, label="running_mean after the eval-mode calls"),
             Call(target="$bn.running_var", read_only=True, label="running_var after the eval-mode calls")]
    return [sequence(*calls, label="BN(3) trained on one batch, then in eval mode")]


def bn_backprop_inputs(d):
    cases = []
    for n, width in ((4, 3), (32, 2)):
        x = d.randn(n, width, dtype=torch.float32) * 2 + 1
        upstream = d.randn(n, width, dtype=torch.float32)
        cases.append(sequence(bn_new(width), Call((x,), target="$bn", upstream=upstream,
                                                  label=f"a batch of shape ({n}, {width}) and a random upstream gradient"),
                              label=f"BN({width}) on a batch of shape ({n}, {width}) with a random upstream gradient"))
    return cases


def bn_state_inputs(d):
    return [sequence(bn_new(4), Call(target="$bn.state_dict", label="state_dict()"),
                     Call(target="$bn.running_mean.requires_grad", read_only=True, label="running_mean.requires_grad"),
                     Call((d.randn(6, 4),), target="$bn", label="a train-mode batch of shape (6, 4)"),
                     Call(target="$bn.running_var.requires_grad", read_only=True,
                          label="running_var.requires_grad after a batch"),
                     Call((F64,), target="$bn.to", label="the module moved with .to(torch.float64)"),
                     Call(target="$bn.running_var.dtype", read_only=True,
                          label="running_var.dtype after .to(torch.float64)"),
                     label="the buffers of BN(4)")]


EXERCISE = Exercise(
    "u3.5.q4", "Inference mode for the BN class", ["BN"],
    checks=[
        output("train-mode output", "BN", bn_train_inputs, weight=2),
        output("running averages", "BN", bn_buffer_inputs, weight=2),
        output("eval mode", "BN", bn_eval_inputs, weight=2),
        grad("train-mode gradients", "BN", bn_backprop_inputs, wrt_args=[0], wrt_params=True, weight=2),
        output("registered buffers", "BN", bn_state_inputs, weight=1.5),
        raises("3-D input", "BN", [sequence(bn_new(3), Call((torch.ones(2, 3, 4),), target="$bn",
                                                             label="an input of shape (2, 3, 4)"),
                                            label="BN(3) on an input of shape (2, 3, 4)")],
               ["ValueError"], weight=0.5),
    ],
    mistakes=[
        mistake("the_unbiased_variance_in_the_running_average", fails=["running averages"], says="running_var after"),
        mistake("batch_statistics_in_eval_mode_too", fails=["eval mode"], says="for an eval-mode batch of shape (6, 3)"),
        mistake("plain_attributes_instead_of_buffers", fails=["registered buffers"], says="state_dict()"),
        mistake("no_check_of_the_input_s_shape", fails=["3-D input"], says="should raise ValueError"),
        mistake("statistics_detached_from_autograd", fails=["train-mode gradients"],
                says="the gradient with respect to input 0"),
    ],
)

