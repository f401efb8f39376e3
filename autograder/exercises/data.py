"""The course's data sets, for hidden checks that build their inputs in the judge.

The folder is the course's `data_dir` (grader.toml `[data] root`, or the environment
variable AUTOGRADER_DATA). The judge's check set puts it in AUTOGRADER_DATA before it loads
a unit's checks, so a case function can call these helpers; the worker sees the same folder
read-only, under the same variable. Files are read once per process (raw IDX, no download).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
import torch

from autograder.config.loader import DATA_ENV


class DataMissing(RuntimeError):
    pass


def data_dir() -> Path:
    folder = os.environ.get(DATA_ENV)
    if not folder:
        raise DataMissing(f"{DATA_ENV} is not set: the judge sets it from the course's [data] root")
    return Path(folder)


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (the MNIST format): big-endian header, then unsigned bytes."""
    raw = path.read_bytes()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DataMissing(f"{path} is not an uncompressed IDX file of unsigned bytes")
    dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


@functools.lru_cache(maxsize=4)
def fashion_mnist(train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Fashion-MNIST as torchvision stores it: uint8 images (N, 28, 28) and int64 labels (N,)."""
    raw = data_dir() / "FashionMNIST" / "raw"
    prefix = "train" if train else "t10k"
    try:
        images = read_idx(raw / f"{prefix}-images-idx3-ubyte")
        labels = read_idx(raw / f"{prefix}-labels-idx1-ubyte")
    except FileNotFoundError as exc:
        raise DataMissing(f"Fashion-MNIST is missing: {exc.filename}") from None
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))
