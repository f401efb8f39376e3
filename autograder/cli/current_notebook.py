"""Which notebook a `check()` call inside a kernel should grade.

Each front end says it differently:

- Google Colab keeps the notebook in the browser (and Drive), not in the kernel's folder.
  Its front end sends the notebook as it is open now when asked through Colab's own module,
  `google.colab._message.blocking_request("get_ipynb")` (the request Otter-Grader's Colab
  export uses); the reply's `ipynb` is the notebook's JSON, and no reply comes back as None.
- VS Code puts the notebook's path in the kernel's namespace as `__vsc_ipynb_file__`.
- JupyterLab and classic Jupyter (jupyter_server 2) start the kernel with the notebook's path
  in `JPY_SESSION_NAME`, which ipykernel also shows as `__session__`: absolute in current
  versions, relative to the server's folder in older ones.
- Otherwise `UNIT.ipynb` in the working folder, where Jupyter starts a notebook's kernel.

When none of these finds the file, `NotebookNotFound` says how to name it.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

COLAB_MODULE = "google.colab"
COLAB_TIMEOUT_SECONDS = 10.0
SESSION_ENV = "JPY_SESSION_NAME"


class NotebookNotFound(Exception):
    """The running notebook's file could not be found; the message says how to pass it."""


@dataclass(frozen=True)
class FoundNotebook:
    """A notebook to grade and where it came from, for the line under the report."""

    path: Path
    source: str  # "colab", "vscode", "jupyter", "working folder" or "given"

    @property
    def saved_note(self) -> str:
        if self.source == "colab":
            return "graded the notebook as it is open in Colab now"
        return f"graded the last saved version of {self.path}; save (Ctrl+S) before checking"


def find_current_notebook(unit: str, exercise: str | None = None) -> FoundNotebook:
    """The notebook of the running kernel, or NotebookNotFound with what to do."""
    namespace = _user_namespace()
    if _in_colab():
        return FoundNotebook(path=colab_notebook(unit, exercise), source="colab")
    vscode = namespace.get("__vsc_ipynb_file__")
    if isinstance(vscode, str) and Path(vscode).is_file():
        return FoundNotebook(path=Path(vscode), source="vscode")
    for hint in (os.environ.get(SESSION_ENV), namespace.get("__session__")):
        found = _session_file(hint)
        if found is not None:
            return FoundNotebook(path=found, source="jupyter")
    here = Path(f"{unit}.ipynb")
    if here.is_file():
        return FoundNotebook(path=here.resolve(), source="working folder")
    raise NotebookNotFound(
        f"could not find this notebook's file (looked for {unit}.ipynb in {Path.cwd()}); "
        f"pass it: {how_to_pass(unit, exercise)}")


def how_to_pass(unit: str, exercise: str | None) -> str:
    first = f'"{exercise}", ' if exercise else ""
    return f'check({first}notebook="path/to/{unit}.ipynb")'


def colab_notebook(unit: str, exercise: str | None = None) -> Path:
    """Ask Colab's front end for the open notebook and write it to a scratch file."""
    try:
        from google.colab import _message  # type: ignore[import-not-found]
    except ImportError:
        raise NotebookNotFound("this looks like Colab, but Colab's google.colab._message module is missing; "
                               f"download the notebook (File > Download > .ipynb), upload it and pass it: "
                               f"{how_to_pass(unit, exercise)}") from None
    try:
        reply = _message.blocking_request("get_ipynb", request="", timeout_sec=COLAB_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - Colab's front end reports its errors as it likes
        reply = None
        reason = f"Colab answered with an error ({type(exc).__name__}: {exc})"
    else:
        reason = f"Colab did not send the notebook within {COLAB_TIMEOUT_SECONDS:g} s"
    document = reply.get("ipynb") if isinstance(reply, dict) else None
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        raise NotebookNotFound(f"{reason}; download the notebook (File > Download > .ipynb), upload it "
                               f"and pass it: {how_to_pass(unit, exercise)}")
    folder = Path(tempfile.gettempdir()) / "autograder-colab"
    folder.mkdir(exist_ok=True)
    path = folder / f"{unit}.ipynb"
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(document), encoding="utf-8")
    partial.replace(path)
    return path


def _in_colab() -> bool:
    return COLAB_MODULE in sys.modules


def _user_namespace() -> dict:
    """The kernel's namespace (IPython's user_ns), or an empty one outside IPython."""
    if "IPython" not in sys.modules:
        return {}
    from IPython import get_ipython

    shell = get_ipython()
    return getattr(shell, "user_ns", None) or {}


def _session_file(hint: object) -> Path | None:
    """The notebook a Jupyter session names: its path as given, or, where the server gave
    one relative to its own folder, the same name in the kernel's working folder."""
    if not isinstance(hint, str) or not hint.endswith(".ipynb"):
        return None
    for candidate in (Path(hint), Path.cwd() / Path(hint).name):
        if candidate.is_file():
            return candidate.resolve()
    return None
