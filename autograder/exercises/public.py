"""Public check data: plans built at release time with their expected outcomes.

Stored under `assignments/<unit>/checks/` as `checks.json` (validated with pydantic) and
`checks.safetensors` (every input and expected tensor, keyed by exercise and check).
Multiple-choice and numeric answers are stored only as salted hashes.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from pydantic import BaseModel, ConfigDict, ValidationError
from safetensors.torch import load_file, save_file

from autograder.checks.plan import CheckPlan
from autograder.exercises.info import ExerciseInfo
from autograder.protocol.messages import StepOutcome

JSON_NAME = "checks.json"
TENSORS_NAME = "checks.safetensors"
FORMAT = 1


class _P(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PublicCheck(_P):
    plan: CheckPlan
    expected: list[list[StepOutcome]] | None = None


class PublicExercise(ExerciseInfo):
    model_config = ConfigDict(extra="forbid", frozen=False)
    checks: list[PublicCheck]


class PublicData(_P):
    format: int = FORMAT
    unit: str
    title: str = ""
    version: str
    exercises: list[PublicExercise]


class PublicDataError(Exception):
    pass


def write_public(folder: Path, data: PublicData, tensors: dict[str, torch.Tensor]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in sorted(tensors.items())}, str(folder / TENSORS_NAME))
    (folder / TENSORS_NAME).chmod(0o644)
    # compact: fields that are None are left out (they read back as their default, None)
    text = json.dumps(data.model_dump(mode="json", exclude_none=True), separators=(",", ":"), sort_keys=False)
    (folder / JSON_NAME).write_text(text + "\n", encoding="utf-8")


def read_public(folder: Path) -> tuple[PublicData, dict[str, torch.Tensor]]:
    json_path, tensor_path = folder / JSON_NAME, folder / TENSORS_NAME
    if not json_path.is_file():
        raise PublicDataError(f"{json_path}: missing; the instructor's 'autograder assign' creates it")
    try:
        data = PublicData.model_validate_json(json_path.read_text(encoding="utf-8"))
    except (ValidationError, ValueError) as exc:
        raise PublicDataError(f"{json_path}: damaged public check data ({str(exc).splitlines()[0]})") from None
    if data.format != FORMAT:
        raise PublicDataError(f"{json_path}: written by another version of autograder (format {data.format})")
    tensors = load_file(str(tensor_path)) if tensor_path.is_file() else {}
    return data, tensors
