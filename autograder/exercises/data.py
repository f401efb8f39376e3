"""The course's data sets, for hidden checks that build their inputs in the judge.

The folder is the course's `data_dir` (grader.toml `[data] root`, or the environment
variable AUTOGRADER_DATA). The judge's check set puts it in AUTOGRADER_DATA before it loads
a unit's checks, so a case function can call these helpers; the worker sees the same folder
read-only, under the same variable. Files are read once per process (raw IDX, no download).
"""

from __future__ import annotations

import fnmatch
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


# picture data sets in torchvision's IDX layout: the folder under the data root, by name
PICTURE_FOLDERS = {"Fashion-MNIST": "FashionMNIST", "MNIST": "MNIST"}


@functools.lru_cache(maxsize=8)
def idx_pictures(dataset: str, train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """A picture data set of PICTURE_FOLDERS as torchvision stores it: uint8 images (N, 28, 28)
    and int64 labels (N,)."""
    if dataset not in PICTURE_FOLDERS:
        raise ValueError(f"no picture data set {dataset!r} (known: {', '.join(PICTURE_FOLDERS)})")
    raw = data_dir() / PICTURE_FOLDERS[dataset] / "raw"
    prefix = "train" if train else "t10k"
    try:
        images = read_idx(raw / f"{prefix}-images-idx3-ubyte")
        labels = read_idx(raw / f"{prefix}-labels-idx1-ubyte")
    except FileNotFoundError as exc:
        raise DataMissing(f"{dataset} is missing: {exc.filename}") from None
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))


def fashion_mnist(train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Fashion-MNIST as torchvision stores it: uint8 images (N, 28, 28) and int64 labels (N,)."""
    return idx_pictures("Fashion-MNIST", train)


def mnist(train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST as torchvision stores it: uint8 images (N, 28, 28) and int64 labels (N,)."""
    return idx_pictures("MNIST", train)


def fashion_tensors(split: str, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Pictures `rows` of the 'train' or 't10k' split as float32 (n, 1, 28, 28) in [0, 1], and
    their labels: what judge-built loaders hold (evaluated where the checked code runs)."""
    if split not in ("train", "t10k"):
        raise ValueError(f"no Fashion-MNIST split {split!r}")
    images, labels = fashion_mnist(train=split == "train")
    return images[rows].unsqueeze(1).to(torch.float32) / 255, labels[rows]


# --- held-out pictures for accuracy checks --------------------------------------------------
#
# Fashion-MNIST's and MNIST's test splits are public, so a submission could carry a table from
# picture to label. Accuracy checks therefore score fresh, seeded perturbations of the second
# half of a test split, and in hidden grading the worker's view of the data scrambles that
# half's labels (`worker_view`), so no code in the sandbox can look them up. Checks that read
# test labels in the worker use the first half only.

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


def held_out_pictures(g: torch.Generator, n: int, perturbation: Perturbation = Perturbation(),
                      dataset: str = "Fashion-MNIST") -> tuple[torch.Tensor, torch.Tensor]:
    """`n` held-out test pictures of `dataset` (Fashion-MNIST or MNIST: the same held-out half
    of either test split), perturbed: float32 (n, 1, 28, 28) in [0, 1], and their labels."""
    images, labels = idx_pictures(dataset, train=False)
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
#
# The view is built from an allowlist: for each data set, the files a notebook may read, and
# for some of them how their held-out rows are scrambled. Anything else in the data folder
# (torchvision's raw/*.gz downloads, processed/*.pt, a TA's backup copy) is left out, since
# any of those may hold the labels the view scrambles. A data set is added with one entry.


@dataclass(frozen=True)
class IdxLabels:
    """Rows `rows` of an IDX label file (8-byte header, one byte per label) replaced by
    seeded random labels 0-9, so the file still loads as before."""

    rows: range

    def apply(self, raw: bytes, seed: int = 20261127) -> bytes:
        header = 8  # magic, count
        labels = bytearray(raw)
        count = max(0, min(self.rows.stop, len(raw) - header) - self.rows.start)
        fake = torch.randint(0, 10, (count,), generator=torch.Generator().manual_seed(seed), dtype=torch.uint8)
        labels[header + self.rows.start: header + self.rows.start + count] = bytes(fake.tolist())
        return bytes(labels)


@dataclass(frozen=True)
class TsvLabels:
    """The `column` of a tab-separated file with a header line (SST-2's `dev.tsv`:
    `sentence<TAB>label`) replaced, on every data line, by a seeded random label 0 or 1; every
    other byte (the sentences, their trailing space before the tab, the header, the line
    endings) is kept, so the file still loads as before."""

    column: str = "label"

    def apply(self, raw: bytes, seed: int = 20261127) -> bytes:
        lines = raw.split(b"\n")
        if not lines or self.column.encode() not in lines[0].rstrip(b"\r").split(b"\t"):
            return raw
        where = lines[0].rstrip(b"\r").split(b"\t").index(self.column.encode())
        generator = torch.Generator().manual_seed(seed)
        fake = torch.randint(0, 2, (len(lines),), generator=generator).tolist()
        for number in range(1, len(lines)):
            ending = b"\r" if lines[number].endswith(b"\r") else b""
            fields = lines[number].removesuffix(ending).split(b"\t")
            if len(fields) > where and fields[where].strip():
                fields[where] = str(fake[number]).encode()
                lines[number] = b"\t".join(fields) + ending
        return b"\n".join(lines)


@dataclass(frozen=True)
class DataSet:
    """One data set as the grader knows it: its folder in the data root, the files (glob
    patterns, relative to the root) the worker may read, those `doctor` requires, and the
    files whose held-out rows the worker's view scrambles."""

    name: str
    folder: str
    files: tuple[str, ...]
    required: tuple[str, ...]
    scrambled: tuple[tuple[str, IdxLabels | TsvLabels], ...] = ()

    def allows(self, relative: str) -> bool:
        return any(fnmatch.fnmatchcase(relative, pattern) for pattern in self.files)

    def scramble_for(self, relative: str) -> IdxLabels | TsvLabels | None:
        return next((how for path, how in self.scrambled if path == relative), None)


def _idx_files(folder: str) -> tuple[str, ...]:
    return tuple(f"{folder}/raw/{split}-{kind}" for split in ("train", "t10k")
                 for kind in ("images-idx3-ubyte", "labels-idx1-ubyte"))


DATA_SETS: tuple[DataSet, ...] = (
    DataSet("Fashion-MNIST", "FashionMNIST", _idx_files("FashionMNIST"),
            required=("FashionMNIST/raw/train-images-idx3-ubyte", "FashionMNIST/raw/t10k-labels-idx1-ubyte"),
            scrambled=(("FashionMNIST/raw/t10k-labels-idx1-ubyte", IdxLabels(HELD_OUT)),)),
    DataSet("MNIST", "MNIST", _idx_files("MNIST"),
            required=("MNIST/raw/train-images-idx3-ubyte", "MNIST/raw/t10k-labels-idx1-ubyte"),
            scrambled=(("MNIST/raw/t10k-labels-idx1-ubyte", IdxLabels(HELD_OUT)),)),
    # SST-2's test split has no labels and its dev labels are public: accuracy checks (unit 6)
    # score dev sentences whose labels only the judge reads
    DataSet("SST-2", "SST-2", ("SST-2/train.tsv", "SST-2/dev.tsv", "SST-2/test.tsv"),
            required=("SST-2/train.tsv", "SST-2/dev.tsv"), scrambled=(("SST-2/dev.tsv", TsvLabels("label")),)),
    DataSet("Tatoeba fra-eng", "tatoeba", ("tatoeba/fra-eng/fra.txt",), required=("tatoeba/fra-eng/fra.txt",)),
    DataSet("GloVe 6B 50d", "glove", ("glove/glove.6B.*.txt",), required=("glove",)),
)


def allowed_files(data: Path) -> dict[str, IdxLabels | TsvLabels | None]:
    """The files of `data` the worker's view holds (relative paths), each with its scrambling."""
    data = Path(data)
    found: dict[str, IdxLabels | TsvLabels | None] = {}
    for dataset in DATA_SETS:
        folder = data / dataset.folder
        if not folder.is_dir() or folder.is_symlink():
            continue
        for source in sorted(folder.rglob("*")):
            relative = source.relative_to(data).as_posix()
            if source.is_file() and not _linked(source, data) and dataset.allows(relative):
                found[relative] = dataset.scramble_for(relative)
    return found


def left_out_files(data: Path) -> dict[str, list[str]]:
    """Per data set, the files in its folder the worker's view leaves out (for `doctor`)."""
    data = Path(data)
    found: dict[str, list[str]] = {}
    for dataset in DATA_SETS:
        folder = data / dataset.folder
        if not folder.is_dir():
            continue
        extra = [p.relative_to(data).as_posix() for p in sorted(folder.rglob("*"))
                 if (p.is_file() or p.is_symlink()) and not dataset.allows(p.relative_to(data).as_posix())]
        if extra:
            found[dataset.name] = extra
    return found


def split_copies(data: Path) -> dict[str, list[str]]:
    """Files left out of the view that look like another copy of a split the view scrambles
    (`t10k-labels-idx1-ubyte.gz`, `processed/test.pt`): they hold the held-out labels."""
    copies: dict[str, list[str]] = {}
    for dataset in DATA_SETS:
        if not dataset.scrambled:
            continue
        stems = {Path(path).name for path, _ in dataset.scrambled}
        extra = left_out_files(data).get(dataset.name, [])
        found = [p for p in extra if any(Path(p).name.startswith(stem) for stem in stems) or "/processed/" in f"/{p}"]
        if found:
            copies[dataset.name] = found
    return copies


def worker_view(data: Path, into: Path) -> Path:
    """A copy of the allowed files of the data folder for hidden grading, in `into` (made
    here): every file hard linked (copied across file systems), except that scrambled files
    get their held-out rows replaced. Loading code works unchanged; only the judge knows
    the true labels, and no other copy of them (a download's .gz) is in the view."""
    data = Path(data)
    into.mkdir(parents=True, exist_ok=True)
    for relative, scramble in allowed_files(data).items():
        source, target = data / relative, into / relative
        _make_folders(into, target.parent)
        if scramble is not None:
            target.write_bytes(scramble.apply(source.read_bytes()))
            os.chmod(target, 0o644)
        else:
            _link_or_copy(source, target)
    os.chmod(into, 0o755)
    return into


def _linked(path: Path, top: Path) -> bool:
    """Whether `path` or a folder between `top` and it is a symbolic link (it could point
    anywhere on the grading machine)."""
    current = path
    while current != top and current != current.parent:
        if current.is_symlink():
            return True
        current = current.parent
    return False


def _make_folders(root: Path, folder: Path) -> None:
    missing = []
    while folder != root and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=0o755)
        os.chmod(path, 0o755)


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
