"""Hidden checks for unit 1 (tensors). Students never receive this file.

Each exercise lists its checks (what is called, on which inputs, judged how, for what
share of the points) and the common mistakes that `autograder validate unit1` proves
are caught.
"""

import math

import torch

from autograder.exercises import (
    Exercise, Mistake, answer, call, case, every_other, function, generator, memory, output, perf, prop, raises,
    sequence, source,
)

INF, NAN = math.inf, math.nan


def seeded_pair(d, first_argument):
    """Two calls with generators seeded alike: their results must agree."""
    seed = d.child_seed()
    return sequence(call(first_argument, generator(seed)), call(first_argument, generator(seed)),
                    label="two calls with equally seeded generators")


# --- u1.1 ----------------------------------------------------------------------------

def mixed_lists(d):
    return [
        case([1, 2.5]), case([True, 2]), case([1, 2.0, True]), case([1 + 2j, 1]),
        case([1, "a"]), case(["a", "b"]), case([[1, 2], [3]], label="the ragged list [[1, 2], [3]]"),
        case([], label="an empty list"), case([[1, 2], [3, 4]]),
        case([d.py.randint(-9, 9) for _ in range(5)] + [d.py.random()], label="a list of five ints and a float"),
    ]


U1_1_Q1 = Exercise(
    "u1.1.q1", "A list of mixed Python values", ["to_tensor_or_none", "ans_u1_1_q1"],
    checks=[
        output("conversion", "to_tensor_or_none", mixed_lists, weight=3),
        answer("why", "ans_u1_1_q1", choices="ABCD"),
    ],
    mistakes=[
        Mistake("no error handling", "def to_tensor_or_none(values):\n    return torch.tensor(values)\n",
                fails=["conversion"], says="raised TypeError"),
        Mistake("catches TypeError only",
                "def to_tensor_or_none(values):\n    try:\n        return torch.tensor(values)\n"
                "    except TypeError:\n        return None\n",
                fails=["conversion"], says="raised ValueError"),
        Mistake("wrong choice", 'ans_u1_1_q1 = "A"\n', fails=["why"], says="is not the right choice"),
    ],
)


FOUR_D = (8, 8, 32, 32)

U1_1_Q2 = Exercise(
    "u1.1.q2", "A 4-D tensor of fair random bits", ["random_bits"],
    checks=[
        prop("shape, dtype and values", "random_bits",
             [case((2, 3, 4, 5)), case((1, 1, 1, 1)), case((3, 1, 2, 1))], "fair_bits",
             weight=2, statistics=False),
        prop("fair and independent", "random_bits", [case(FOUR_D)], "fair_bits", weight=3, shape=list(FOUR_D)),
        prop("fresh draws", "random_bits",
             [sequence(call((4, 4, 8, 8)), call((4, 4, 8, 8)), label="two calls without a generator")],
             "results_differ"),
        prop("uses the generator", "random_bits", lambda d: [seeded_pair(d, (2, 2, 4, 4))], "results_equal"),
        raises("shape of the wrong length", "random_bits", [case((2, 3, 4)), case((1, 2, 3, 4, 5)), case(())],
               ["ValueError"]),
    ],
    mistakes=[
        Mistake("booleans from rand() > 0.5",
                "def random_bits(shape, generator=None):\n    return torch.rand(shape, generator=generator) > 0.5\n",
                fails=["shape, dtype and values", "fair and independent"], says="integer dtype"),
        Mistake("randint(0, 1) draws only zeros",
                "def random_bits(shape, generator=None):\n    if len(shape) != 4:\n        raise ValueError()\n"
                "    return torch.randint(0, 1, shape, generator=generator)\n",
                fails=["fair and independent"], says="share of ones"),
        Mistake("ignores the generator",
                "def random_bits(shape, generator=None):\n    if len(shape) != 4:\n        raise ValueError()\n"
                "    return torch.randint(0, 2, shape)\n",
                fails=["uses the generator"], says="should agree"),
    ],
)


# --- u1.2 ----------------------------------------------------------------------------

def rotations(n: int, d) -> torch.Tensor:
    angles = d.rand(n) * 2 * math.pi
    c, s = torch.cos(angles), torch.sin(angles)
    return torch.stack([torch.stack([c, -s], -1), torch.stack([s, c], -1)], -2)


def stat_inputs(d):
    return [
        case(d.rand(1, 2, 2)), case(d.rand(100, 2, 2)), case(d.rand(1000, 2, 2)),
        case(d.rand(50, 2, 2, dtype=torch.float64)),
        case(rotations(20, d), label="rotation matrices (with negative entries)"),
    ]


U1_2_Q1 = Exercise(
    "u1.2.q1", "Eigenvalues and norms of a batch of 2x2 matrices",
    ["make_uniform_batch", "batch_matrix_stats", "ans_u1_2_q1"],
    checks=[
        output("uniform batch", "make_uniform_batch",
               lambda d: [case(100), case(1), case(7, generator(d.child_seed())), case(n=3)]),
        prop("batch uses the generator", "make_uniform_batch", lambda d: [seeded_pair(d, 5)], "results_equal",
             weight=0.5),
        output("statistics", "batch_matrix_stats", stat_inputs, weight=4,
               transforms={"eigvals": "sort_complex_last"}, scale=10),
        perf("no loop over matrices", "batch_matrix_stats", lambda d: [case(d.rand(5_000, 2, 2))],
             weight=1, max_ratio=5, case_seconds=20),
        answer("imaginary parts", "ans_u1_2_q1", choices="ABCD"),
    ],
    mistakes=[
        Mistake("vector infinity norm instead of the matrix norm",
                "def batch_matrix_stats(X):\n    return {\n"
                "        'eigvals': torch.linalg.eigvals(X),\n"
                "        'fro': torch.linalg.matrix_norm(X),\n"
                "        'euclid': torch.linalg.vector_norm(X),\n"
                "        'inf': torch.stack([X[:, :, j].abs().max() for j in range(2)]),\n    }\n",
                fails=["statistics"], says="['inf']"),
        Mistake("keeps only the real part of the eigenvalues",
                "def batch_matrix_stats(X):\n    return {\n"
                "        'eigvals': torch.linalg.eigvals(X).real,\n"
                "        'fro': torch.linalg.matrix_norm(X),\n"
                "        'euclid': torch.linalg.vector_norm(X),\n"
                "        'inf': torch.linalg.matrix_norm(X.permute(2, 0, 1), ord=math.inf),\n    }\n",
                fails=["statistics"], says="expected dtype complex"),
        Mistake("a Python loop over the matrices",
                "def batch_matrix_stats(X):\n"
                "    eig = torch.stack([torch.linalg.eigvals(m) for m in X])\n"
                "    fro = torch.stack([torch.linalg.matrix_norm(m) for m in X])\n"
                "    return {'eigvals': eig, 'fro': fro, 'euclid': torch.linalg.vector_norm(X),\n"
                "            'inf': torch.linalg.matrix_norm(X.permute(2, 0, 1), ord=math.inf)}\n",
                fails=["no loop over matrices"], says="slower than a vectorised"),
    ],
)


U1_2_Q2 = Exercise(
    "u1.2.q2", "Vectorised versus looped element-wise operations", ["time_elementwise", "ans_u1_2_q2"],
    manual="a short discussion of whether the timing comparison is fair",
    checks=[
        prop("the loop is much slower", "time_elementwise", [case("div", 10_000, 1), case("exp", 10_000, 1)],
             "ratio_above", numerator=1, denominator=0, minimum=20, what="looped/vectorised time ratio",
             case_seconds=30),
        raises("unknown operation", "time_elementwise", [case("log", 10), case("", 10)], ["ValueError"]),
        answer("why", "ans_u1_2_q2", choices="ABCD"),
    ],
    mistakes=[
        Mistake("returns the two times swapped",
                "def time_elementwise(op, n, repeats=5):\n"
                "    if op not in ('div', 'exp'):\n        raise ValueError(op)\n"
                "    return 1.0, 0.001\n",
                fails=["the loop is much slower"], says="ratio"),
        Mistake("accepts any operation",
                "def time_elementwise(op, n, repeats=5):\n    return 0.001, 1.0\n",
                fails=["unknown operation"], says="should raise ValueError"),
    ],
)


# --- u1.3 ----------------------------------------------------------------------------

def where_inputs(d):
    return [
        case(d.randn(10, 10)), case(d.randn(3, 4, 5, dtype=torch.float64)), case(torch.empty(0)),
        case(d.randn(())),
        case(torch.tensor([0.0, -0.0, -INF, INF, NAN, -1.5, 2.5]), label="an input holding 0, -0, -inf, inf and nan"),
        case(d.randn(2, 3, dtype=torch.float16)),
    ]


U1_3_Q1 = Exercise(
    "u1.3.q1", "Replace negative entries by +inf", ["negatives_to_inf"],
    checks=[
        output("values", "negatives_to_inf", where_inputs, weight=5),
        memory("input untouched, result new", "negatives_to_inf", lambda d: [case(d.randn(4, 5))], weight=2,
               arg_unchanged=True, result_shares_storage=False),
        raises("integer input", "negatives_to_inf", [case(torch.arange(6)), case(torch.tensor([[1, -2]]))],
               ["TypeError"]),
        perf("vectorised", "negatives_to_inf", lambda d: [case(d.randn(100_000))], max_ratio=5, case_seconds=10),
    ],
    mistakes=[
        Mistake("strict comparison sends zeros to inf",
                "def negatives_to_inf(X):\n    if not X.is_floating_point():\n        raise TypeError()\n"
                "    return torch.where(X > 0, X, torch.inf)\n",
                fails=["values"], says="expected 0, got inf"),
        Mistake("modifies the input in place",
                "def negatives_to_inf(X):\n    if not X.is_floating_point():\n        raise TypeError()\n"
                "    X[X < 0] = torch.inf\n    return X\n",
                fails=["input untouched, result new"], says="the input was modified"),
        Mistake("a Python loop over the elements",
                "def negatives_to_inf(X):\n    if not X.is_floating_point():\n        raise TypeError()\n"
                "    out = X.clone().reshape(-1)\n    for i in range(out.numel()):\n"
                "        if out[i] < 0:\n            out[i] = math.inf\n    return out.reshape(X.shape)\n",
                fails=["vectorised"], says="slower than a vectorised"),
    ],
)


def slice_inputs(d):
    grid = torch.arange(100).reshape(10, 10)
    return [
        case(grid), case(grid, (10, 5, 2)),
        case(d.randn(10, 10), (5, 2, 10)), case(d.randn(6, 10), (3, 4, 5)),
        case(d.randint(-50, 50, (4, 6)), (2, 3, 4)), case(d.randn(2, 4, dtype=torch.float64), (2, 2, 2)),
    ]


U1_3_Q2 = Exercise(
    "u1.3.q2", "The elements whose three indices are all odd", ["odd_index_slice"],
    checks=[
        output("values", "odd_index_slice", slice_inputs, weight=5),
        memory("a view, not a copy", "odd_index_slice",
               lambda d: [case(d.randn(10, 10)), case(d.randn(6, 10), (3, 4, 5))], weight=3,
               result_shares_storage=True),
        raises("incompatible shape", "odd_index_slice",
               lambda d: [case(d.randn(10, 10), (3, 3, 3)), case(d.randn(4, 6), (2, 2, 2))],
               ["RuntimeError", "ValueError"], weight=2),
    ],
    mistakes=[
        Mistake("starts at index 0", "def odd_index_slice(X, shape=(2, 5, 10)):\n"
                "    return X.reshape(shape)[::2, ::2, ::2]\n", fails=["values"], says="expected shape"),
        Mistake("copies with clone", "def odd_index_slice(X, shape=(2, 5, 10)):\n"
                "    return X.reshape(shape)[1::2, 1::2, 1::2].clone()\n",
                fails=["a view, not a copy"], says="the result is a copy"),
    ],
)


# --- u1.4 ----------------------------------------------------------------------------

def column_inputs(d):
    return [
        case(d.randn(5)), case(torch.full((5,), math.e), label="five entries equal to e"),
        case(d.randn(1)), case(d.randn(7, dtype=torch.float64)), case(torch.arange(6)),
        case(every_other(d.randn(9)), label="a strided view base[::2]"),
    ]


U1_4_Q1 = Exercise(
    "u1.4.q1", "A column vector doubled in place", ["double_as_column_"],
    checks=[
        output("shape and values", "double_as_column_", column_inputs, weight=4),
        memory("same memory, changed in place", "double_as_column_", column_inputs, weight=6,
               result_same_data_ptr=True, arg_storage_kept=True, args_after_like_reference=True),
    ],
    mistakes=[
        Mistake("adds two reshaped copies", "def double_as_column_(x):\n"
                "    return x.reshape(-1, 1) + x.reshape(-1, 1)\n",
                fails=["same memory, changed in place"], says="memory address"),
        Mistake("broadcasts a column against a row", "def double_as_column_(x):\n"
                "    return x.reshape(-1, 1) + x\n", fails=["shape and values"], says="expected shape (5, 1)"),
    ],
)


# --- u1.5 ----------------------------------------------------------------------------

SIZES = (0, 1, 2, 3, 5)


def shape_pairs(d, count: int = 500):
    def shape():
        return tuple(d.py.choice(SIZES) for _ in range(d.py.randint(0, 6)))

    pairs = [((2, 1, 2), (2, 1, 1, 3)), ((0,), (1,)), ((1,), (0,)), ((0,), (2,)), ((), (3, 1))]
    pairs += [(shape(), shape()) for _ in range(count - len(pairs))]
    return [sequence(*(call(a, b) for a, b in pairs[i:i + 50]), label="random shape pairs")
            for i in range(0, len(pairs), 50)]


U1_5_Q1 = Exercise(
    "u1.5.q1", "Which shapes broadcast, and to what", ["broadcast_shape", "ans_u1_5_q1"],
    checks=[
        output("random shape pairs", "broadcast_shape", shape_pairs, weight=5),
        source("rules implemented by hand", "broadcast_shape", [case((2, 1), (1, 3))],
               forbid=["broadcast_shapes", "broadcast_tensors", "broadcast_to", "numpy", "np", "expand"],
               reason="implement the rules yourself"),
        answer("answer table", "ans_u1_5_q1", weight=4),
    ],
    mistakes=[
        Mistake("treats a 0 like a 1", "def broadcast_shape(a, b):\n"
                "    n = max(len(a), len(b))\n    a = (1,) * (n - len(a)) + tuple(a)\n"
                "    b = (1,) * (n - len(b)) + tuple(b)\n    out = []\n    for x, y in zip(a, b):\n"
                "        if x != y and min(x, y) > 1:\n            return None\n        out.append(max(x, y))\n"
                "    return tuple(out)\n", fails=["random shape pairs"], says="expected"),
        Mistake("calls torch.broadcast_shapes", "def broadcast_shape(a, b):\n    try:\n"
                "        return tuple(torch.broadcast_shapes(a, b))\n    except RuntimeError:\n        return None\n",
                fails=["rules implemented by hand"], says="broadcast_shapes"),
        Mistake("reads the printed sizes in reverse",
                "ans_u1_5_q1 = {'AB': (3, 2, 1, 2), 'AC': None, 'AD': (2, 5, 2), 'AE': (2, 1, 2), 'AF': None,\n"
                "    'BC': None, 'BD': (3, 1, 5, 2), 'BE': (3, 1, 1, 2), 'BF': None, 'CD': (5, 5), 'CE': (1, 5),\n"
                "    'CF': (3, 5), 'DE': (5, 1), 'DF': None, 'EF': (3, 5)}\n",
                fails=["answer table"], says="['AB'] is not correct"),
    ],
)


# --- u1.6 ----------------------------------------------------------------------------

U1_6_Q1 = Exercise(
    "u1.6.q1", "Calling backward() twice", ["backward_twice", "ans_u1_6_q1"],
    checks=[
        output("both settings", "backward_twice", [case(False), case(True)], weight=3),
        answer("why", "ans_u1_6_q1", choices="ABCD"),
    ],
    mistakes=[
        Mistake("reports the gradient even after the error", "def backward_twice(retain_graph):\n"
                "    x = torch.tensor(2.0, requires_grad=True)\n    z = x**2 + x\n"
                "    z.backward(retain_graph=retain_graph)\n    try:\n        z.backward()\n"
                "        return False, x.grad.item()\n    except RuntimeError:\n        return True, x.grad.item()\n",
                fails=["both settings"], says="expected None at [1]"),
    ],
)


FUNCTIONS = [
    (function("lambda x: x**2 + x", "x**2 + x"), 2.0),
    (function("lambda x: x**3", "x**3"), 2.0),
    (function("lambda x: torch.sin(x)", "sin(x)"), 0.5),
    (function("lambda x: torch.exp(x)", "exp(x)"), 1.0),
    (function("lambda x: -x**3 if x < 0 else x**3", "|x|**3 (written with an if)"), -1.0),
]

U1_6_Q2 = Exercise(
    "u1.6.q2", "Second derivatives with create_graph=True", ["second_derivative", "ans_u1_6_q2"],
    checks=[
        output("second derivatives", "second_derivative",
               lambda d: [case(f, x0, label=f"f = {f.label} at x = {x0:g}") for f, x0 in FUNCTIONS]
               + [case(function("lambda x: x**4", "x**4"), round(d.py.uniform(-2, 2), 3), label="f = x**4")],
               weight=3, rtol=1e-10, atol=1e-10),
        answer("x.grad after the second pass", "ans_u1_6_q2"),
    ],
    mistakes=[
        Mistake("computes in float32", "def second_derivative(f, x0):\n"
                "    x = torch.tensor(x0, requires_grad=True)\n"
                "    (g,) = torch.autograd.grad(f(x), x, create_graph=True)\n"
                "    (h,) = torch.autograd.grad(g, x)\n    return h.item()\n",
                fails=["second derivatives"], says="expected"),
        Mistake("returns a tensor", "def second_derivative(f, x0):\n"
                "    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)\n"
                "    (g,) = torch.autograd.grad(f(x), x, create_graph=True)\n"
                "    (h,) = torch.autograd.grad(g, x)\n    return h\n",
                fails=["second derivatives"], says="use .item()"),
        Mistake("first derivative instead", "ans_u1_6_q2 = 5.0\n", fails=["x.grad after the second pass"],
                says="is not correct"),
    ],
)


EXERCISES = [U1_1_Q1, U1_1_Q2, U1_2_Q1, U1_2_Q2, U1_3_Q1, U1_3_Q2, U1_4_Q1, U1_5_Q1, U1_6_Q1, U1_6_Q2]
