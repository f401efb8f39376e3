"""The course's data sets, for hidden checks that build their inputs in the judge.

The folder is the course's `data_dir` (grader.toml `[data] root`, or the environment
variable AUTOGRADER_DATA). The judge's check set puts it in AUTOGRADER_DATA before it loads
a unit's checks, so a case function can call these helpers; the worker sees the same folder
read-only, under the same variable. Files are read once per process (raw IDX, no download).
"""

from __future__ import annotations

import functools
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from autograder.config.loader import DATA_ENV


class DataMissing(RuntimeError):
    pass


def data_dir() -> Path:
    folder = os.environ.get(DATA_ENV)
    if not folder:
        raise DataMissing(f"{DATA_ENV} is not set: name the folder that holds FashionMNIST/raw/ in it "
                          "(the course's [data] root)")
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


def fashion_tensors(split: str, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Pictures `rows` of the 'train' or 't10k' split as float32 (n, 1, 28, 28) in [0, 1], and
    their labels: what judge-built loaders hold (evaluated where the checked code runs)."""
    if split not in ("train", "t10k"):
        raise ValueError(f"no Fashion-MNIST split {split!r}")
    images, labels = fashion_mnist(train=split == "train")
    return images[rows].unsqueeze(1).to(torch.float32) / 255, labels[rows]


# --- held-out pictures for accuracy checks --------------------------------------------------
#
# Fashion-MNIST's test split is public, so a submission could carry a table from picture to
# label. Accuracy checks therefore score fresh, seeded perturbations of the second half of the
# test split, and in hidden grading the worker's view of the data scrambles that half's labels
# (`worker_view`), so no code in the sandbox can look them up. Checks that read test labels in
# the worker use the first half only.

HELD_OUT = range(5_000, 10_000)  # test pictures whose labels only the judge reads


@dataclass(frozen=True)
class Perturbation:
    """What happens to a held-out picture: shifted by up to `shift` pixels, brightness times a
    factor in `brightness`, plus Gaussian noise of std `noise`, clipped to [0, 1]."""

    shift: int = 1
    brightness: tuple[float, float] = (0.9, 1.1)
    noise: float = 0.05

    def describe(self) -> str:
        return (f"shifted by up to {self.shift} pixel{'s' if self.shift != 1 else ''}, brightness "
                f"x{self.brightness[0]:g}-{self.brightness[1]:g}, noise {self.noise:g}")


def held_out_pictures(g: torch.Generator, n: int, perturbation: Perturbation = Perturbation()
                      ) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` held-out test pictures, perturbed: float32 (n, 1, 28, 28) in [0, 1], and their labels."""
    images, labels = fashion_mnist(train=False)
    rows = HELD_OUT.start + torch.randperm(len(HELD_OUT), generator=g)[:n]
    pictures = images[rows].to(torch.float32).unsqueeze(1) / 255
    return perturb(pictures, g, perturbation), labels[rows]


def perturb(pictures: torch.Tensor, g: torch.Generator, p: Perturbation) -> torch.Tensor:
    n = len(pictures)
    if p.shift:
        padded = torch.nn.functional.pad(pictures, (p.shift,) * 4)
        dx = torch.randint(0, 2 * p.shift + 1, (n,), generator=g)
        dy = torch.randint(0, 2 * p.shift + 1, (n,), generator=g)
        size = pictures.shape[-1]
        pictures = torch.stack([padded[i, :, dy[i]:dy[i] + size, dx[i]:dx[i] + size] for i in range(n)])
    low, high = p.brightness
    factor = low + (high - low) * torch.rand(n, 1, 1, 1, generator=g)
    noisy = pictures * factor + p.noise * torch.randn(pictures.shape, generator=g)
    return noisy.clamp_(0, 1)


# --- the worker's view of the data ------------------------------------------------------------

SCRAMBLED = {  # label files whose held-out part the worker must not read
    Path("FashionMNIST/raw/t10k-labels-idx1-ubyte"): HELD_OUT,
}


def worker_view(data: Path, into: Path) -> Path:
    """A copy of the data folder for hidden grading, in `into` (made here): every file hard
    linked (copied across file systems), except that the held-out test labels are replaced by
    seeded random labels. Loading code works unchanged; only the judge knows the true labels."""
    data = Path(data)
    into.mkdir(parents=True, exist_ok=True)
    for source in sorted(data.rglob("*")):
        relative = source.relative_to(data)
        target = into / relative
        if source.is_symlink():
            continue  # a link could point anywhere on the grading machine
        if source.is_dir():
            target.mkdir(mode=0o755, exist_ok=True)
        elif relative in SCRAMBLED:
            target.write_bytes(_scrambled_labels(source.read_bytes(), SCRAMBLED[relative]))
            os.chmod(target, 0o644)
        else:
            _link_or_copy(source, target)
    os.chmod(into, 0o755)
    return into


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the file is readable by everyone already (a link shares the
    original's permissions, which must not be changed); a readable copy otherwise."""
    if source.stat().st_mode & 0o004:
        try:
            os.link(source, target)
            return
        except OSError:
            pass
    shutil.copyfile(source, target)
    os.chmod(target, 0o644)


def _scrambled_labels(raw: bytes, rows: range, seed: int = 20261127) -> bytes:
    header = 8  # IDX label file: magic, count
    labels = bytearray(raw)
    count = max(0, min(rows.stop, len(raw) - header) - rows.start)
    fake = torch.randint(0, 10, (count,), generator=torch.Generator().manual_seed(seed), dtype=torch.uint8)
    labels[header + rows.start: header + rows.start + count] = bytes(fake.tolist())
    return bytes(labels)
