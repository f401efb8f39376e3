"""Turn a cell's text into plain Python: IPython magics and shell escapes become `pass`.

Line numbers are kept, so errors still point at the student's own lines.
"""

from __future__ import annotations

import re

# cell magics whose body is ordinary Python; any other cell magic makes the cell skipped
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun"}
_ESCAPE = re.compile(r"^(\s*)(%|!|\?)")
_SHELL_ASSIGN = re.compile(r"^(\s*)([A-Za-z_][\w.,\s]*)=\s*[!%]")
_HELP_SUFFIX = re.compile(r"^(\s*)[\w.]+\?\??\s*$")


def to_python(source: str) -> str | None:
    """The cell as Python, or None for a cell that is not Python (e.g. `%%bash`)."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split()[0] if lines[0].lstrip()[2:].split() else ""
        if magic not in PYTHON_CELL_MAGICS:
            return None
        lines = ["pass"] + lines[1:]
    out = []
    for line in lines:
        match = _ESCAPE.match(line) or _HELP_SUFFIX.match(line)
        if match:
            out.append(f"{match.group(1)}pass")
            continue
        assign = _SHELL_ASSIGN.match(line)
        if assign and "==" not in line:
            out.append(f"{assign.group(1)}{assign.group(2).strip()} = []")
            continue
        out.append(line)
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")
