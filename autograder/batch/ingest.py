"""Find every student's notebook in what a TA downloaded.

Accepted layouts (a folder, or a zip of any of them):

- one sub-folder per student: `alice/unit1.ipynb` (any depth inside the folder);
- a flat folder of notebooks named by student: `alice.ipynb`, `bob_unit1.ipynb`;
- Moodle's "Download all submissions": `Jane Doe_123456_assignsubmission_file_/unit1.ipynb`
  (or the same prefix on flat file names);
- Canvas's "Download submissions": `doejane_12345_67890_unit1.ipynb`, `doejane_LATE_...`.

Rule for several notebooks from one student: the one holding most of the unit's exercises
wins (a complete `unit1.ipynb` beats a newer `scratch.ipynb`); among equals, the latest
(modification time, as stored in the zip or on disk), then a file named `<unit>.ipynb`,
then the last name in sort order. The choice is reported. A student whose submission has
no notebook still gets a row.

Student ids are stable and unique for any Unicode name, and never depend on who else is in
the class: the name's ASCII letters and digits (accents dropped), then the LMS id where
there is one, else a short hash of the full name when the ASCII form lost anything
(`דנה כהן` becomes `student-3c1f0a9e`, `Zoë` becomes `zoe-6d2f41b0`). The name itself is
kept, as the LMS shows it, in the `name` column.

Zip member names: a zip written without the UTF-8 flag (Windows' "Send to compressed
folder", older Info-ZIP) stores names in the writing machine's code page. The names are
read as UTF-8 when they are valid UTF-8; otherwise each of `CODE_PAGES` is tried in turn
(Hebrew first, since the course is taught in Hebrew: DOS/OEM cp862, then Windows cp1255;
then Cyrillic, Western European and cp437, zip's own default), and the first under which
every name in the zip reads as words of one script each (no letter of Hebrew next to a
Greek or Latin one, no box-drawing or currency signs inside a word) is used.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

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


def discover(source: Path, unit: str, workdir: Path,
             relevance: Callable[[Path], int] | None = None) -> tuple[str, list[Submission]]:
    """(layout name, one Submission per student, sorted by student id). `relevance` says how
    many of the unit's exercises a notebook holds (see `choose`)."""
    source = Path(source)
    if source.is_file() and zipfile.is_zipfile(source):
        target = workdir / "extracted"
        extract_zip(source, target)
        source = _single_top_folder(target)
    elif not source.is_dir():
        raise IngestError(f"{source}: not a folder or a zip file of submissions")
    layout, entries, empty = _entries(source, unit, workdir)
    return layout, _group(entries, empty, unit, relevance)


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
            names = member_names(members)
            for info in members:
                relative = _safe_member(names[id(info)])
                if relative is None or _is_link(info):
                    continue
                destination = target.joinpath(*relative.parts)
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                total += info.file_size
                if info.file_size > MAX_MEMBER_BYTES or total > MAX_ZIP_BYTES:
                    raise IngestError(f"{archive}: {names[id(info)]} is too large to extract")
                destination.parent.mkdir(parents=True, exist_ok=True)
                _copy_capped(zf, info, destination)
                stamp = time.mktime(info.date_time + (0, 0, -1))
                os.utime(destination, (stamp, stamp))
    except zipfile.BadZipFile as exc:
        raise IngestError(f"{archive}: damaged zip file ({exc})") from None


UTF8_FLAG = 0x800
# code pages tried, in order, for zip member names without the UTF-8 flag (see the module's
# docstring); zipfile itself decodes such names as cp437, which keeps every byte
CODE_PAGES = ("cp862", "cp1255", "cp866", "cp1251", "cp1252", "cp850", "cp437")


def member_names(members: list[zipfile.ZipInfo]) -> dict[int, str]:
    """Each member's name (by id of its ZipInfo), decoded with the zip's code page."""
    legacy = {id(info): info.filename.encode("cp437") for info in members
              if not info.flag_bits & UTF8_FLAG and not info.filename.isascii()}
    encoding = name_encoding(list(legacy.values()))
    names = {}
    for info in members:
        name = legacy[id(info)].decode(encoding, errors="replace") if id(info) in legacy else info.filename
        names[id(info)] = unicodedata.normalize("NFC", name)  # macOS writes decomposed accents
    return names


def name_encoding(raw_names: list[bytes]) -> str:
    """The encoding under which all these names read as text (see the module's docstring)."""
    if not raw_names:
        return "utf-8"
    for encoding in ("utf-8", *CODE_PAGES):
        try:
            decoded = [raw.decode(encoding) for raw in raw_names]
        except UnicodeDecodeError:
            continue
        if all(_reads_as_words(name) for name in decoded):
            return encoding
    return "cp437"


def _reads_as_words(name: str) -> bool:
    """Every word's letters belong to one script, and no non-ASCII character is a symbol."""
    for word in re.split(r"[\s/\\_.\-]+", name):
        scripts = set()
        previous = ""
        for ch in word:
            if ch.isascii():
                if ch.isalpha():
                    scripts.add("LATIN")
                previous = ch
                continue
            category = unicodedata.category(ch)
            if category.startswith("L"):
                scripts.add(unicodedata.name(ch, "UNKNOWN").split()[0])
            elif not (category.startswith("M") and previous.isalpha()):  # a point belongs to its letter
                return False
            previous = ch if category.startswith("L") else previous
        if len(scripts) > 1:
            return False
    return True


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


def _group(entries: list[_Entry], empty: list[_Entry], unit: str,
           relevance: Callable[[Path], int] | None = None) -> list[Submission]:
    by_key: dict[str, list[_Entry]] = {}
    for entry in entries + empty:
        by_key.setdefault(entry.key, []).append(entry)
    ids = student_ids({key: (group[0].name, group[0].lms_id) for key, group in by_key.items()})
    submissions: list[Submission] = []
    for key, group in sorted(by_key.items()):
        first = group[0]
        submission = Submission(student=ids[key], name=first.name, lms_id=first.lms_id,
                                late=any(e.late for e in group))
        notebooks = [e.path for e in group if e.path.suffix == ".ipynb" and e.path.is_file() and not e.path.is_symlink()]
        submission.candidates = notebooks
        if not notebooks:
            problems = [e.problem for e in group if e.problem]
            linked = any(e.path.is_symlink() for e in group)
            submission.problem = problems[0] if problems else (
                LINKED if linked else "no notebook (.ipynb) in the submission")
        else:
            submission.notebook, why = choose(notebooks, unit, relevance)
            if len(notebooks) > 1:
                names = ", ".join(p.name for p in notebooks)
                submission.notes.append(
                    f"{len(notebooks)} notebooks submitted ({names}); {why}")
        submissions.append(submission)
    return sorted(submissions, key=lambda s: s.student)


def choose(notebooks: list[Path], unit: str, relevance: Callable[[Path], int] | None = None) -> tuple[Path, str]:
    """The notebook to grade, and why: most of the unit's exercises, then the latest, then
    `<unit>.ipynb`, then the last name."""
    if len(notebooks) == 1:
        return notebooks[0], f"graded {notebooks[0].name}"
    found = {p: _relevance(relevance, p) for p in notebooks}

    def latest(p: Path) -> tuple:
        return round(p.stat().st_mtime), p.name.lower() == f"{unit}.ipynb".lower(), str(p)

    chosen = max(notebooks, key=lambda p: (found[p], *latest(p)))
    if found[chosen] > 0 and any(found[p] < found[chosen] for p in notebooks):
        return chosen, f"graded {chosen.name}, the one with most of {unit}'s exercises ({found[chosen]})"
    if found[chosen] == 0 and relevance is not None:
        return chosen, f"graded the latest, {chosen.name}; none of them holds {unit}'s exercises"
    return chosen, f"graded the latest, {chosen.name}"


def _relevance(relevance: Callable[[Path], int] | None, path: Path) -> int:
    if relevance is None:
        return 0
    try:
        return relevance(path)
    except Exception:  # noqa: BLE001 - an unreadable candidate simply holds no exercises
        return 0


def student_ids(people: dict[str, tuple[str, str]]) -> dict[str, str]:
    """A file-name-safe id per grouping key, from (name, LMS id): the same for the same
    person whoever else is in the class (see the module's docstring)."""
    ids = {key: student_id(name, lms_id) for key, (name, lms_id) in people.items()}
    taken: dict[str, list[str]] = {}
    for key, student in ids.items():
        taken.setdefault(student, []).append(key)
    for student, keys in taken.items():
        if len(keys) > 1:  # the same name twice (a folder and a file "alice"): told apart by what they are
            for key in keys:
                ids[key] = f"{student}-{_short_hash(key)}"
    return ids


def student_id(name: str, lms_id: str = "") -> str:
    name = unicodedata.normalize("NFC", name)
    slug = _slug(name)
    parts = [slug or "student"]
    if lms_id:
        parts.append(re.sub(r"[^0-9A-Za-z]", "", lms_id) or _short_hash(lms_id))
    elif slug != name:
        parts.append(_short_hash(name))
    return "-".join(parts)


def _slug(name: str) -> str:
    """The name's ASCII letters and digits, accents dropped, lower case, joined by '-'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def _short_hash(text: str) -> str:
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode()).hexdigest()[:8]
