"""u4.4.q1: Device-aware training."""

from autograder.exercises import Call, Case, Exercise, fixture, kept, made, mistake, output, prop, sequence, using
from autograder.exercises.fashion import small_loaders

# Device bugs (labels left on the CPU, a model never moved, a device chosen once at import time) pass
# on a CPU-only grader unless the checks make a GPU appear: `devices.pretend` (public/fixtures/devices.py)
# patches torch.cuda.is_available() either way and turns on a stand-in accelerator, under which tensors
# moved to "cuda" stay on the CPU but know they are on cuda:0, and an operation mixing them with CPU
# tensors raises the same-device error a GPU raises (and is noted). Where the worker has a real GPU,
# one case trains there too. Devices are compared by type (`cuda` and `cuda:0` are one GPU).
TRAIN_BATCHES = 10  # small_loaders: 320 training pictures in batches of 32
EXPECTED_ON_CUDA = {"operations mixing devices": "none", "parameters": "on cuda", "training batches": "all on cuda",
                    "test batches": "all on cuda"}
EXPECTED_ON_CPU = {"operations mixing devices": "none", "parameters": "on cpu", "training batches": "all on cpu",
                   "test batches": "all on cpu"}


def device_case(available, stand_in: bool, what: str) -> Case:
    return Case((fixture("devices.pretend", available, stand_in, keep_as="patch", label=what),
                 Call(keep_as="device", quiet=True, label="get_device()"),
                 using("devices.restore", kept("patch"), label="what torch.cuda.is_available() said"),
                 using("devices.describe_device", kept("device", "its result"), label="what get_device() returned")),
                label=f"get_device() with {what}")


def device_inputs(d):
    return [device_case(False, False, "torch.cuda.is_available() patched to return False"),
            device_case(True, False, "torch.cuda.is_available() patched to return True"),
            device_case(None, False, "this machine's own torch.cuda.is_available()")]


def training(epochs: int, lr: float, device, device_text: str) -> Call:
    kwargs = {"lr": lr} if device is None else {"lr": lr, "device": device}
    return Call((kept("model", "the model"), kept("train", "the training loader"), kept("test", "the test loader"),
                 epochs), kwargs, quiet=True,
                label=f"train_classifier(model, train_loader, test_loader, {epochs}, lr={lr:g}{device_text})")


CPU = made("devices.cpu_device", label="torch.device('cpu')")
CUDA = made("devices.cuda_device", label="torch.device('cuda')")


def cpu_inputs(d):
    from autograder.exercises.fashion import flat_model

    cases = []
    for lr in (0.1, 0.05):
        what = f"one epoch of 10 batches of 32 training pictures on the CPU, lr {lr:g}, from the judge's seeded model"
        cases.append(sequence(*small_loaders(d), flat_model(d.child_seed()),
                              training(1, lr, CPU, ", device=torch.device('cpu')"),
                              Call(target="$model.1.weight", read_only=True, label=f"the weight after {what}"),
                              Call(target="$model.1.bias", read_only=True, label=f"the bias after {what}"),
                              label=what))
    return cases


def standin_case(d, available: bool, device, device_text: str, what: str) -> Case:
    return Case((fixture("devices.pretend", available, True, keep_as="patch", label=what),
                 *small_loaders(d),
                 fixture("devices.recorded_model", d.child_seed(), kept("patch"), keep_as="model",
                         label="a seeded flat model whose first layer notes where each batch is"),
                 training(1, 0.1, device, device_text),
                 using("devices.restore", kept("patch"), label="what torch.cuda.is_available() said"),
                 using("devices.training_report", kept("model"), kept("patch"), TRAIN_BATCHES,
                       label="where the parameters and the batches were")),
                label=f"one epoch of train_classifier{device_text and ' with ' + device_text.lstrip(', ')} under {what}")


STAND_IN_TRUE = "torch.cuda.is_available() patched to True, with the grader's stand-in GPU"
STAND_IN_FALSE = "torch.cuda.is_available() patched to False, with the grader's stand-in GPU"


def move_inputs(d):
    real = Case((using("devices.gpu_presence", label="whether this machine has a GPU"),
                 *small_loaders(d),
                 fixture("devices.recorded_model", d.child_seed(), None, keep_as="model",
                         label="a seeded flat model whose first layer notes where each batch is"),
                 training(1, 0.1, made("autograder.fixtures.fashion.training_device", label="this machine's GPU"),
                          ", device=<this machine's GPU>"),
                 using("devices.gpu_presence", label="whether this machine has a GPU"),
                 using("devices.training_report", kept("model"), None, TRAIN_BATCHES,
                       label="where the parameters and the batches were")),
                label="one epoch of train_classifier on this machine's real GPU (where it has one)")
    return [standin_case(d, True, CUDA, ", device=torch.device('cuda')", STAND_IN_TRUE),
            standin_case(d, False, CUDA, ", device=torch.device('cuda')", STAND_IN_FALSE),
            real]


def default_inputs(d):
    return [standin_case(d, True, None, "", STAND_IN_TRUE), standin_case(d, False, None, "", STAND_IN_FALSE)]


def test_pass_inputs(d):
    what = "two epochs on 320 training pictures, a test set of 150 pictures in batches of 50"
    return [Case((*small_loaders(d),
                  fixture("devices.recorded_model", d.child_seed(), None, keep_as="model",
                          label="a seeded flat model whose first layer notes how it is called"),
                  training(2, 0.1, CPU, ", device=torch.device('cpu')"),
                  using("devices.test_pass_modes", kept("model"), 50,
                        label="how the test batches were run (mode, autograd)")),
                 label=what)]


EXERCISE = Exercise(
    "u4.4.q1", "Device-aware training", ["get_device", "train_classifier"],
    isolated=True,  # the checks patch torch.cuda and push a torch-function mode: keep that to their process
    checks=[
        prop("get_device follows is_available", "get_device", device_inputs, "device_type", weight=2, said_step=2),
        output("trains like the course's loop on the CPU", "train_classifier", cpu_inputs, weight=2, rtol=1e-4,
               atol=1e-6, trajectory=True),
        prop("moves the model and every batch", "train_classifier", move_inputs, "reported_facts", weight=4,
             steps=[6], expected=[EXPECTED_ON_CUDA], unless={"GPU": "none here"}),
        prop("no device given: get_device() decides", "train_classifier", default_inputs, "facts_by_availability",
             weight=1, step=6, said_step=5, when_available=EXPECTED_ON_CUDA, when_not=EXPECTED_ON_CPU),
        prop("the test pass: evaluation mode, no autograd", "train_classifier", test_pass_inputs, "reported_facts",
             weight=1, steps=[4], expected=[{"test batches": "eval mode, no autograd"}]),
    ],
    mistakes=[
        mistake("device_chosen_at_import", fails=["get_device follows is_available"],
                says="patched to return True"),
        mistake("returns_a_string", fails=["get_device follows is_available"], says="should return a torch.device"),
        mistake("labels_left_on_the_cpu", fails=["moves the model and every batch"], says="same device"),
        mistake("model_never_moved", fails=["moves the model and every batch"], says="(in linear)"),
        mistake("ignores_the_device_argument", fails=["moves the model and every batch"], says="on cpu"),
        mistake("none_means_the_cpu", fails=["no device given: get_device() decides"], says="on cpu"),
        mistake("test_pass_with_autograd_in_train_mode", fails=["the test pass: evaluation mode, no autograd"],
                says="train mode, autograd on"),
    ],
)
