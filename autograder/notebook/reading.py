"""Read a notebook file into code cells, with messages that say what to do when it fails.

Notebooks arrive from many tools (Jupyter, Colab, VS Code, nbgrader, hand edits), so what
nbformat can repair is repaired before grading: a UTF-8 byte-order mark, the old v3 format
(converted by nbformat), and code cells without `outputs`, `execution_count` or `metadata`
or with missing or duplicate ids. Repaired ids are derived from the cell's position, so
the same file always reads the same way (and a re-run writes identical feedback files).
"""

from __future__ import annotations

import json
import re
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
    text = text.removeprefix(BOM)  # Windows editors write one; JSON does not allow it
    if not text.strip():
        raise NotebookError(f"{name} is empty (0 bytes); save the notebook from Jupyter and submit it again")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"{name} is damaged: it is not valid JSON (line {exc.lineno}, column {exc.colno}); "
            "open it in Jupyter, or restore it from a checkpoint (File > Revert Notebook to Checkpoint), and save again"
        ) from None
    except RecursionError:
        raise NotebookError(f"{name} is damaged: its JSON is nested too deeply to be a notebook") from None
    if not isinstance(raw, dict) or not (isinstance(raw.get("cells"), list) or _is_v3(raw)):
        raise NotebookError(f"{name} is not a Jupyter notebook (it has no list of cells)")
    try:
        notebook = nbformat.from_dict(raw)
        if notebook.get("nbformat") != 4:
            notebook = nbformat.convert(notebook, 4)
            for cell in notebook.cells:
                cell.pop("id", None)  # the conversion draws random ids; normalise gives stable ones
        return normalise(notebook)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for odd files
        raise NotebookError(f"{name} is not a notebook nbformat can read ({type(exc).__name__})") from None


BOM = "\ufeff"


def _is_v3(raw: dict) -> bool:
    worksheets = raw.get("worksheets")
    return raw.get("nbformat") == 3 and isinstance(worksheets, list) and all(
        isinstance(w, dict) and isinstance(w.get("cells", []), list) for w in worksheets)


def normalise(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Fill in what nbformat 4.5 requires and tools leave out, so that the notebook can be
    written back (the annotated feedback copy): nbformat itself fails on a code cell without
    `outputs`. Cells that are not objects are dropped; nothing else changes."""
    notebook.setdefault("metadata", nbformat.NotebookNode())
    if not isinstance(notebook.metadata, dict):
        notebook.metadata = nbformat.NotebookNode()
    notebook.nbformat, notebook.nbformat_minor = 4, max(_int(notebook.get("nbformat_minor")), 5)
    cells = [c for c in notebook.get("cells", []) if isinstance(c, dict)]
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = nbformat.NotebookNode()
        source = cell.get("source", "")
        cell["source"] = "".join(str(s) for s in source) if isinstance(source, list) else str(source or "")
        if cell.get("cell_type") == "code":
            if not isinstance(cell.get("outputs"), list):
                cell["outputs"] = []
            if not isinstance(cell.get("execution_count"), int) or isinstance(cell.get("execution_count"), bool):
                cell["execution_count"] = None
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not CELL_ID.match(cell_id) or cell_id in seen:
            cell_id = _free_id(f"cell-{index}", seen)
            cell["id"] = cell_id
        seen.add(cell_id)
    notebook.cells = cells
    return notebook


CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")  # nbformat 4.5's rule for cell ids


def _free_id(wanted: str, seen: set[str]) -> str:
    candidate, n = wanted, 1
    while candidate in seen:
        candidate, n = f"{wanted}-{n}", n + 1
    return candidate


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


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
