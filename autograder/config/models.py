"""`grader.toml`: every setting declared once, typed, with its default and its meaning."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

EXERCISE_ID = re.compile(r"^u\d+\.\d+\.q\d+$")


class _C(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Limits(_C):
    """Resource limits for one worker (one notebook being graded)."""

    cell_seconds: float = Field(30.0, gt=0, description="wall-clock limit for one notebook cell")
    exercise_seconds: float = Field(60.0, gt=0, description="wall-clock limit for all checks of one exercise")
    notebook_seconds: float = Field(600.0, gt=0, description="wall-clock limit for the whole notebook")
    memory_mib: int = Field(2048, ge=64, description="memory the student's code may allocate")
    cpu_seconds: int = Field(900, ge=1, description="CPU time for the worker process")
    processes: int = Field(64, ge=4, description="processes and threads the worker may run")
    file_mib: int = Field(64, ge=1, description="largest file the worker may write")
    open_files: int = Field(256, ge=32, description="open file descriptors")
    tmp_mib: int = Field(256, ge=8, description="size of the worker's private temp dir")
    output_kib: int = Field(256, ge=4, description="printed output kept from the head and from the tail")
    threads: int = Field(1, ge=1, description="torch intra-op threads in the worker")
    restarts: int = Field(4, ge=0, description="how often a crashed or stuck worker is restarted per notebook")
    code_kib: int = Field(512, ge=16, description="total size of a notebook's code cells (a lookup table of "
                                                  "public test labels would not fit)")


class SandboxConfig(_C):
    backend: Literal["local", "docker"] = Field("local", description="where student code runs")
    isolation: Literal["auto", "bwrap", "none"] = Field(
        "auto", description="local backend: bubblewrap when available ('auto'), required ('bwrap') or off ('none')"
    )
    image: str = Field("autograder-worker:latest", description="docker backend: the grading image (see Dockerfile)")
    host_python: bool = Field(
        False, description="docker backend: run this machine's Python and package, mounted read-only, in the image "
                           "(for an image built FROM scratch, as in CI); off for the production image")
    gpu: Literal["auto", "never", "required"] = Field(
        "auto", description="docker backend: pass GPUs to containers when Docker has them ('auto'), never, or "
                            "fail unless it has them ('required')")
    cpus: float = Field(1.0, gt=0, description="docker backend: CPUs per container")
    prestart: int = Field(2, ge=0, description="docker backend: containers started ahead, to hide start-up time")
    user: str = Field("65534:65534", description="docker backend: numeric uid:gid the worker runs as (never root)")

    @field_validator("user")
    @classmethod
    def _not_root(cls, value: str) -> str:
        match = re.fullmatch(r"(\d+):(\d+)", value.strip())
        if not match:
            raise ValueError("write the user as numeric uid:gid, e.g. \"65534:65534\"")
        if int(match[1]) == 0 or int(match[2]) == 0:
            raise ValueError("student code must not run as root (uid or gid 0)")
        return value.strip()


class CourseConfig(_C):
    name: str = Field("PyTorch deep learning", description="shown in report headers")
    solutions: str = Field("solutions", description="reference notebooks and hidden checks, relative to grader.toml")
    assignments: str = Field("assignments", description="student notebooks and public check data")


class DataConfig(_C):
    root: str = Field(
        "../shared/data",
        description="data sets in torchvision layout, relative to grader.toml; AUTOGRADER_DATA overrides it",
    )


class UnitConfig(_C):
    title: str = Field("", description="shown in report headers")
    points: dict[str, float] = Field(description="points per exercise id, e.g. \"u1.3.q1\" = 10")
    manual_points: dict[str, float] = Field(
        default_factory=dict, description="points a TA awards by hand, kept apart from the automatic score"
    )

    @field_validator("points", "manual_points")
    @classmethod
    def _ids_and_points(cls, value: dict[str, float]) -> dict[str, float]:
        for key, points in value.items():
            if not EXERCISE_ID.match(key):
                raise ValueError(f"{key!r} is not an exercise id like 'u1.3.q1'")
            if points < 0:
                raise ValueError(f"points for {key} must not be negative")
        return value


class GraderConfig(_C):
    course: CourseConfig = Field(default_factory=CourseConfig)
    limits: Limits = Field(default_factory=Limits)
    sandbox: SandboxConfig = Field(default_factory=SandboxConfig)
    data: DataConfig = Field(default_factory=DataConfig)
    units: dict[str, UnitConfig] = Field(default_factory=dict)
