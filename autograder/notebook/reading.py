"""Read a notebook file into code cells, with messages that say what to do when it fails."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 64 * 2**20


class NotebookError(Exception):
    """The notebook cannot be graded at all; the message names the file and the fix."""


@dataclass(frozen=True)
class CodeCell:
    index: int          # position among all cells
    number: int         # 1-based position among code cells, as students count them
    source: str
    grade_id: str | None = None
    solution: bool = False
    locked: bool = False

    def describe(self) -> str:
        tag = f", tagged {self.grade_id}" if self.grade_id else ""
        return f"code cell {self.number}{tag}"


def read_notebook(path: Path) -> nbformat.NotebookNode:
    path = Path(path)
    if not path.exists():
        raise NotebookError(f"{path}: no such file; give the path to your notebook (for example unit1.ipynb)")
    if path.is_dir():
        raise NotebookError(f"{path} is a folder; give the path to the notebook file inside it")
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(
            f"{path} is {size / 2**20:.0f} MiB, over the {MAX_NOTEBOOK_BYTES // 2**20} MiB limit; "
            "clear its outputs (Edit > Clear All Outputs), save, and submit again"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise NotebookError(f"{path} is not a text file, so it is not a notebook") from None
    except OSError as exc:
        raise NotebookError(f"{path} cannot be read ({exc.strerror})") from None
    return parse_notebook(text, str(path))


def parse_notebook(text: str, name: str = "the notebook") -> nbformat.NotebookNode:
    if not text.strip():
        raise NotebookError(f"{name} is empty (0 bytes); save the notebook from Jupyter and submit it again")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"{name} is damaged: it is not valid JSON (line {exc.lineno}, column {exc.colno}); "
            "open it in Jupyter, or restore it from a checkpoint (File > Revert Notebook to Checkpoint), and save again"
        ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise NotebookError(f"{name} is not a Jupyter notebook (it has no list of cells)")
    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for odd files
        raise NotebookError(f"{name} is not a notebook nbformat can read ({type(exc).__name__})") from None
    return notebook


def code_cells(notebook: nbformat.NotebookNode) -> list[CodeCell]:
    cells = []
    number = 0
    for index, cell in enumerate(notebook.get("cells", [])):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        number += 1
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(part) for part in source)
        meta = cell.get("metadata", {}) or {}
        nbgrader = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
        nbgrader = nbgrader if isinstance(nbgrader, dict) else {}
        grade_id = nbgrader.get("grade_id")
        cells.append(CodeCell(
            index=index, number=number, source=str(source),
            grade_id=grade_id if isinstance(grade_id, str) else None,
            solution=bool(nbgrader.get("solution", False)), locked=bool(nbgrader.get("locked", False)),
        ))
    return cells
