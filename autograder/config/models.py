"""`grader.toml`: every setting declared once, typed, with its default and its meaning."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

EXERCISE_ID = re.compile(r"^u\d+\.\d+\.q\d+$")
JUDGE_MEMORY_MIB = 1536  # a judge process with torch and the reference, plus the worker's torch


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
    backend: Literal["local", "docker", "portable"] = Field(
        "local", description="where student code runs: 'local' (bubblewrap or a plain subprocess on Linux; "
                             "'portable' elsewhere), 'docker', or 'portable' (a spawned process without a "
                             "sandbox: time and memory limits only, for students' Windows and macOS machines)")
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
    glove: str = Field(
        "glove/glove.6B.50d.10k.txt",
        description="the GloVe 6B 50-d vectors unit 6 reads, relative to the data root: the shipped 10,000-word "
                    "subset, or glove/glove.6B.50d.txt (400,000 words) where the course installs the full file",
    )

    @field_validator("glove")
    @classmethod
    def _inside_the_data_root(cls, value: str) -> str:
        parts = value.replace("\\", "/").split("/")
        if value.startswith("/") or ".." in parts or not value.endswith(".txt"):
            raise ValueError("name a .txt file inside the data root, e.g. \"glove/glove.6B.50d.txt\"")
        return value


class TaskResources(_C):
    """What grading one submission of a unit asks of a cluster node (the Ray executor):
    the judge, its reference and the sandboxed worker together."""

    cpus: float = Field(1.0, gt=0, description="CPU cores reserved for one submission")
    memory_mib: int | None = Field(
        None, ge=256, description="memory reserved for one submission; default: limits.memory_mib plus "
                                  f"{JUDGE_MEMORY_MIB} MiB for the judge and the worker's torch")
    gpus: float = Field(
        0.0, ge=0, description="GPU share for one submission: 0.25 lets four submissions share a card; "
                               "above 1, whole cards only")

    @field_validator("gpus")
    @classmethod
    def _whole_cards_above_one(cls, value: float) -> float:
        if value > 1 and value != int(value):
            raise ValueError("a share above one GPU must be a whole number of cards (Ray's rule)")
        return value

    def memory_bytes(self, limits: Limits) -> int:
        return (self.memory_mib or limits.memory_mib + JUDGE_MEMORY_MIB) * 2**20


class UnitConfig(_C):
    title: str = Field("", description="shown in report headers")
    points: dict[str, float] = Field(description="points per exercise id, e.g. \"u1.3.q1\" = 10")
    manual_points: dict[str, float] = Field(
        default_factory=dict, description="points a TA awards by hand, kept apart from the automatic score"
    )
    resources: TaskResources = Field(
        default_factory=TaskResources, description="what one submission asks of a cluster node (executor 'ray')")

    @field_validator("points", "manual_points")
    @classmethod
    def _ids_and_points(cls, value: dict[str, float]) -> dict[str, float]:
        for key, points in value.items():
            if not EXERCISE_ID.match(key):
                raise ValueError(f"{key!r} is not an exercise id like 'u1.3.q1'")
            if points < 0:
                raise ValueError(f"points for {key} must not be negative")
        return value


class RayConfig(_C):
    """How `autograder grade` reaches a Ray cluster and what its nodes already have."""

    address: str = Field(
        "", description="the cluster: 'auto' (one started with `ray start` on this machine), 'HOST:PORT' (its "
                        "head node), 'ray://HOST:PORT' (Ray Client, needs ray[client]); empty: a running local "
                        "cluster if there is one, else a one-machine Ray started for the run")
    retries: int = Field(
        2, ge=0, le=10, description="how often a submission is graded again when the node or Ray worker process "
                                    "grading it dies; after that its row says so")
    course_path: str = Field(
        "", description="where every node finds this course folder (a shared file system); empty: grader.toml "
                        "and the unit's folders are shipped through Ray's object store once per run")
    data_path: str = Field(
        "", description="where every node finds the data sets, with the held-out labels the judge needs (a "
                        "shared file system or a volume); empty: the course's data folder is shipped through "
                        "Ray's object store once per run")


class BatchConfig(_C):
    """Where `autograder grade` runs a class's submissions."""

    executor: Literal["local", "ray"] = Field(
        "local", description="'local': this machine, --jobs at a time; 'ray': one Ray task per submission on a "
                             "Ray cluster (see [batch.ray] and docs/cluster.md)")
    ray: RayConfig = Field(default_factory=RayConfig)


class GraderConfig(_C):
    course: CourseConfig = Field(default_factory=CourseConfig)
    limits: Limits = Field(default_factory=Limits)
    sandbox: SandboxConfig = Field(default_factory=SandboxConfig)
    data: DataConfig = Field(default_factory=DataConfig)
    batch: BatchConfig = Field(default_factory=BatchConfig)
    units: dict[str, UnitConfig] = Field(default_factory=dict)
