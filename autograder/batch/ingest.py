"""Find every student's notebook in what a TA downloaded.

Accepted layouts (a folder, or a zip of any of them):

- one sub-folder per student: `alice/unit1.ipynb` (any depth inside the folder);
- a flat folder of notebooks named by student: `alice.ipynb`, `bob_unit1.ipynb`;
- Moodle's "Download all submissions": `Jane Doe_123456_assignsubmission_file_/unit1.ipynb`
  (or the same prefix on flat file names);
- Canvas's "Download submissions": `doejane_12345_67890_unit1.ipynb`, `doejane_LATE_...`.

Rule for several notebooks from one student: the latest wins (modification time, as
stored in the zip or on disk); among equally recent ones, a file named `<unit>.ipynb` wins,
then the last name in sort order. The choice is reported. A student whose submission has
no notebook still gets a row.
"""

from __future__ import annotations

import re
import shutil
import stat
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MOODLE_FOLDER = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?:file|onlinetext)_?$")
MOODLE_FILE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_file_(?P<file>.+)$")
CANVAS_FILE = re.compile(r"^(?P<name>[a-z0-9]+)_(?:(?P<late>LATE)_)?(?P<id>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
IGNORED = {"__MACOSX", ".ipynb_checkpoints", ".DS_Store"}
MAX_ZIP_MEMBERS = 20_000
MAX_ZIP_BYTES = 4 * 2**30
MAX_MEMBER_BYTES = 256 * 2**20


LINKED = "the notebook is a symbolic link, which is not graded: submit the file itself"


class IngestError(Exception):
    """The submissions cannot be read at all (not a folder or zip, a broken zip)."""


@dataclass
class Submission:
    student: str                     # unique, safe for file names
    name: str = ""                   # the name as the LMS shows it
    lms_id: str = ""                 # Moodle participant id or Canvas user id
    notebook: Path | None = None
    candidates: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problem: str = ""                # why there is nothing to grade
    late: bool = False


@dataclass
class _Entry:
    key: str                # grouping key: student identity
    name: str
    lms_id: str
    path: Path
    late: bool = False
    problem: str = ""       # why this entry holds no notebook (a damaged zip)


def discover(source: Path, unit: str, workdir: Path) -> tuple[str, list[Submission]]:
    """(layout name, one Submission per student, sorted by student id)."""
    source = Path(source)
    if source.is_file() and zipfile.is_zipfile(source):
        target = workdir / "extracted"
        extract_zip(source, target)
        source = _single_top_folder(target)
    elif not source.is_dir():
        raise IngestError(f"{source}: not a folder or a zip file of submissions")
    layout, entries, empty = _entries(source, unit, workdir)
    return layout, _group(entries, empty, unit)


def extract_zip(archive: Path, target: Path) -> None:
    """Extract safely: no absolute paths or '..', no links, size and count caps."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise IngestError(f"{archive}: more than {MAX_ZIP_MEMBERS} files")
            total = 0
            for info in members:
                relative = _safe_member(info.filename)
                if relative is None or _is_link(info):
                    continue
                destination = target.joinpath(*relative.parts)
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                total += info.file_size
                if info.file_size > MAX_MEMBER_BYTES or total > MAX_ZIP_BYTES:
                    raise IngestError(f"{archive}: {info.filename} is too large to extract")
                destination.parent.mkdir(parents=True, exist_ok=True)
                _copy_capped(zf, info, destination)
                stamp = time.mktime(info.date_time + (0, 0, -1))
                destination.touch()
                import os

                os.utime(destination, (stamp, stamp))
    except zipfile.BadZipFile as exc:
        raise IngestError(f"{archive}: damaged zip file ({exc})") from None


def _copy_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, destination: Path) -> None:
    written = 0
    with zf.open(info) as source, destination.open("wb") as out:
        while chunk := source.read(1 << 20):
            written += len(chunk)
            if written > MAX_MEMBER_BYTES:
                raise IngestError(f"{info.filename} expands beyond {MAX_MEMBER_BYTES >> 20} MiB")
            out.write(chunk)


def _safe_member(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or any(part in ("..", "") for part in path.parts[:-1]) or ".." in path.parts:
        return None
    if any(part in IGNORED for part in path.parts):
        return None
    return path


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _single_top_folder(folder: Path) -> Path:
    """Zips often wrap everything in one folder; look inside it."""
    children = [c for c in folder.iterdir() if c.name not in IGNORED]
    if len(children) == 1 and children[0].is_dir() and not MOODLE_FOLDER.match(children[0].name):
        inner = [c for c in children[0].iterdir() if c.name not in IGNORED]
        notebooks = [c for c in inner if c.suffix == ".ipynb"]
        named = [c for c in inner if MOODLE_FILE.match(c.name) or CANVAS_FILE.match(c.name)]
        # a wrapper holds the class (sub-folders, several notebooks, LMS file names);
        # otherwise the single folder is one student's submission
        if any(c.is_dir() for c in inner) or len(notebooks) > 1 or named:
            return children[0]
    return folder


def _entries(folder: Path, unit: str, workdir: Path) -> tuple[str, list[_Entry], list[_Entry]]:
    entries: list[_Entry] = []
    empty: list[_Entry] = []
    layouts: set[str] = set()
    for child in sorted(folder.iterdir()):
        if child.name in IGNORED or child.name.startswith("."):
            continue
        if child.is_dir() and child.is_symlink():
            layouts.add("folders")
            empty.append(_Entry(f"dir:{child.name}", child.name, "", child,
                                problem="the submission folder is a symbolic link, which is not graded"))
            continue
        if child.is_dir():
            moodle = MOODLE_FOLDER.match(child.name)
            name = moodle["name"] if moodle else child.name
            key = f"moodle:{moodle['id']}" if moodle else f"dir:{child.name}"
            layouts.add("moodle" if moodle else "folders")
            found, problem = _notebooks_or_problem(lambda: _notebooks_in(child, workdir / "nested" / child.name))
            if not found and not problem and any(_linked(p, child) for p in child.rglob("*.ipynb")):
                problem = LINKED
            target = entries if found else empty
            for path in found or [child]:
                target.append(_Entry(key, name, moodle["id"] if moodle else "", path, problem=problem))
            continue
        if child.suffix == ".zip" and zipfile.is_zipfile(child):
            nested = workdir / "nested" / child.stem
            found, problem = _notebooks_or_problem(
                lambda: (extract_zip(child, nested), _notebooks_in(nested, workdir / "nested2" / child.stem))[1])
            for path in found or [child]:
                (entries if found else empty).append(_Entry(f"file:{child.stem}", child.stem, "", path, problem=problem))
            layouts.add("flat")
            continue
        for pattern, kind in ((MOODLE_FILE, "moodle"), (CANVAS_FILE, "canvas")):
            match = pattern.match(child.name)
            if match:
                layouts.add(kind)
                entry = _Entry(f"{kind}:{match['id']}", match["name"], match["id"], child,
                               late=bool(match.groupdict().get("late")))
                (entries if child.suffix == ".ipynb" else empty).append(entry)
                break
        else:
            layouts.add("flat")
            stem = child.stem
            if stem.lower() != unit.lower():
                stem = re.sub(rf"[_\- ]*{re.escape(unit)}$", "", stem, flags=re.I) or stem
            # a file that is not a notebook still names a student who submitted something
            (entries if child.suffix == ".ipynb" else empty).append(_Entry(f"file:{stem}", stem, "", child))
    layout = "+".join(sorted(layouts)) or "empty"
    return layout, entries, empty


def _notebooks_or_problem(find) -> tuple[list[Path], str]:
    """One student's damaged zip is that student's problem, not the batch's."""
    try:
        return find(), ""
    except IngestError as exc:
        return [], f"the submission cannot be unpacked: {exc}"


def _notebooks_in(folder: Path, nested_work: Path) -> list[Path]:
    # a symbolic link could point at another student's notebook or at the solutions
    found = [p for p in folder.rglob("*.ipynb")
             if not any(part in IGNORED for part in p.relative_to(folder).parts) and not _linked(p, folder)]
    if not found:
        for archive in folder.rglob("*.zip"):
            if zipfile.is_zipfile(archive):
                extract_zip(archive, nested_work / archive.stem)
                found += list((nested_work / archive.stem).rglob("*.ipynb"))
    return sorted(p for p in found if ".ipynb_checkpoints" not in p.parts)


def _linked(path: Path, top: Path) -> bool:
    """Whether `path`, or a folder between `top` and it, is a symbolic link."""
    current = path
    while current != top and current != current.parent:
        if current.is_symlink():
            return True
        current = current.parent
    return False


def _group(entries: list[_Entry], empty: list[_Entry], unit: str) -> list[Submission]:
    by_key: dict[str, list[_Entry]] = {}
    for entry in entries + empty:
        by_key.setdefault(entry.key, []).append(entry)
    submissions: list[Submission] = []
    used: set[str] = set()
    for key, group in sorted(by_key.items()):
        first = group[0]
        student = _unique(_slug(first.name, first.lms_id), used)
        submission = Submission(student=student, name=first.name, lms_id=first.lms_id,
                                late=any(e.late for e in group))
        notebooks = [e.path for e in group if e.path.suffix == ".ipynb" and e.path.is_file() and not e.path.is_symlink()]
        submission.candidates = notebooks
        if not notebooks:
            problems = [e.problem for e in group if e.problem]
            linked = any(e.path.is_symlink() for e in group)
            submission.problem = problems[0] if problems else (
                LINKED if linked else "no notebook (.ipynb) in the submission")
        else:
            submission.notebook = choose(notebooks, unit)
            if len(notebooks) > 1:
                names = ", ".join(p.name for p in notebooks)
                submission.notes.append(
                    f"{len(notebooks)} notebooks submitted ({names}); graded the latest, {submission.notebook.name}")
        submissions.append(submission)
    return sorted(submissions, key=lambda s: s.student)


def choose(notebooks: list[Path], unit: str) -> Path:
    """The latest notebook; ties go to `<unit>.ipynb`, then to the last name."""
    return max(notebooks, key=lambda p: (round(p.stat().st_mtime), p.name.lower() == f"{unit}.ipynb".lower(),
                                         str(p)))


def _slug(name: str, lms_id: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "student"
    return f"{base}-{lms_id}" if lms_id else base


def _unique(student: str, used: set[str]) -> str:
    candidate, n = student, 2
    while candidate in used:
        candidate, n = f"{student}-{n}", n + 1
    used.add(candidate)
    return candidate
