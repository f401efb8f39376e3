"""The output folder of a batch: atomic writes, and the records that make a re-run resume.

Every file is written to a temporary name in the same folder, flushed to disk and renamed
over the target, so an interruption at any moment leaves either the old file or the new
one, never half of one. Each graded submission leaves a record (what was graded, with
which checks, and the result); a re-run skips submissions whose notebook content and
checks version match their record.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from autograder.report.models import NotebookResult

STATE = ".autograder"


class GradeRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    student: str
    name: str = ""
    lms_id: str = ""
    notebook: str = ""
    notebook_sha256: str = ""
    unit: str
    checks_version: str
    # the unit's checks and reference, its points, the limits and the engine it was graded with
    grading_key: str = ""
    seed: int
    result: NotebookResult


class RunInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit: str
    seed: int


def atomic_write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def file_digest(path: Path | None) -> str:
    if path is None or not path.is_file():
        return ""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


class OutputFolder:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / STATE / "records").mkdir(parents=True, exist_ok=True)

    @property
    def workdir(self) -> Path:
        return self.root / STATE / "work"

    def write(self, relative: str, data: bytes | str) -> Path:
        path = self.root / relative
        atomic_write(path, data)
        return path

    def run_info(self, unit: str, seed: int | None, fresh: bool) -> RunInfo:
        """The batch's seed: kept across resumed runs so they grade like one run."""
        path = self.root / STATE / "run.json"
        if not fresh and path.is_file():
            try:
                info = RunInfo.model_validate_json(path.read_text())
                if info.unit == unit and (seed is None or seed == info.seed):
                    return info
            except (ValidationError, ValueError):
                pass
        info = RunInfo(unit=unit, seed=seed if seed is not None else int.from_bytes(os.urandom(4), "big") >> 1)
        atomic_write(path, info.model_dump_json())
        return info

    def record(self, student: str) -> GradeRecord | None:
        path = self._record_path(student)
        if not path.is_file():
            return None
        try:
            return GradeRecord.model_validate_json(path.read_text())
        except (ValidationError, ValueError, OSError):
            return None  # a damaged record: grade again

    def save_record(self, record: GradeRecord) -> None:
        atomic_write(self._record_path(record.student), record.model_dump_json())

    def records(self) -> list[GradeRecord]:
        found = []
        for path in sorted((self.root / STATE / "records").glob("*.json")):
            record = self.record(path.stem)
            if record is not None:
                found.append(record)
        return found

    def _record_path(self, student: str) -> Path:
        return self.root / STATE / "records" / f"{student}.json"


def dumps(data) -> str:
    return json.dumps(data, indent=2, sort_keys=False) + "\n"
