"""Find and read `grader.toml`, with errors that name the file and the key."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from autograder.config.models import GraderConfig

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAME = "grader.toml"
DATA_ENV = "AUTOGRADER_DATA"


class ConfigError(Exception):
    """grader.toml is missing, unreadable or invalid; the message says where."""


@dataclass(frozen=True)
class Course:
    """A course checkout: its root folder and its validated configuration."""

    root: Path
    config: GraderConfig

    @property
    def solutions(self) -> Path:
        return self.root / self.config.course.solutions

    @property
    def assignments(self) -> Path:
        return self.root / self.config.course.assignments

    @property
    def data_dir(self) -> Path:
        override = os.environ.get(DATA_ENV)
        if override:
            return Path(override).expanduser().resolve()
        return (self.root / self.config.data.root).resolve()


def load_config(path: Path) -> GraderConfig:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: is not valid TOML ({exc})") from None
    try:
        return GraderConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc)) from None


def _describe(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: {len(exc.errors())} problem(s)"]
    for error in exc.errors():
        key = ".".join(_key_part(p) for p in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key (check its spelling)"
        lines.append(f"  key {key}: {message}")
    return "\n".join(lines)


def _key_part(part) -> str:
    text = str(part)
    return f'"{text}"' if "." in text else text


def find_course(start: Path | None = None) -> Course | None:
    """The nearest folder at or above `start` (default: cwd) that holds grader.toml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return Course(folder, load_config(candidate))
    return None
