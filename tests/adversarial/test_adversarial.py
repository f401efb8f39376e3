"""The adversarial suite: every hostile notebook of catalogue.py graded in one batch, beside
two honest controls, with the real `autograder grade` command.

For each attack the tests assert that (a) it earns no points it did not earn honestly,
(b) the batch goes on and the controls' results are exactly those of a run without the
attackers, (c) it gets one row with a clear status, and (d) nothing outside the sandbox
changed: no marker files, no files of the course or the submissions touched, no process
left, no secret or hidden input in what the grader wrote.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt

from catalogue import ATTACKS, COURSE_USES, DOWNLOADED_DATA, GOALS, HERE, SANDBOX_GOALS, notebook_for, path_for
from classgen import WRONG, declare_uses, release_and_answers, submission
from conftest import ROOT
from dockerhost import docker_client, docker_settings, import_test_image

LIMITS = {"cell_seconds": 3, "exercise_seconds": 20, "notebook_seconds": 120, "memory_mib": 512}
ENV_SECRET = "adv-env-secret-6f1d"
CONTROL_SECRET = "control-secret-31415"
CONTROLS = ("control-good", "control-partly")
BREACH = "BRE" + "ACH"
LEAK = re.compile("LE" + r"AK[:_]([^\n\"\\\\]{0,400})")  # to the end of the message
FOUR_DECIMALS = re.compile(r"\d[.d]\d{4}")
# text of the hidden checks and of the reference that must never reach a hostile student's files
HIDDEN_TEXT = ["def slice_inputs(d)", "U1_3_Q1 = Exercise(", "torch.full_like(X, math.inf)"]
MARKER_PLACES = ["/", "/etc", "/root", "/usr", "/var/tmp", "/dev/shm", "/tmp", "/tmp/*", "/tmp/*/*"]


def pytest_generate_tests(metafunc):
    if "attack" in metafunc.fixturenames:
        metafunc.parametrize("attack", ATTACKS, ids=[a.key for a in ATTACKS])


def _digest_tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def _markers(extra: list[Path]) -> set[str]:
    found = set()
    for place in MARKER_PLACES + [str(p) for p in extra]:
        for folder in Path("/").glob(place.lstrip("/")) if place != "/" else [Path("/")]:
            try:
                found |= {str(p) for p in folder.glob("ESCAPED-*")}
            except OSError:
                continue
    return found


def _sleepers() -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"adv-sleeper" in (entry / "cmdline").read_bytes():
                    found.append(entry.name)
            except OSError:
                pass
    return found


def _controls() -> dict[str, bytes]:
    _, answers = release_and_answers()
    good = submission({"u1.1.q1": f"# {CONTROL_SECRET}\n" + answers["u1.1.q1"]})
    return {"control-good": good, "control-partly": submission({"u1.3.q1": WRONG["u1.3.q1"]})}


def _downloaded_data(folder: Path) -> Path:
    """A data folder as torchvision's download leaves it (catalogue.DOWNLOADED_DATA)."""
    import gzip

    labels = bytes([0, 0, 8, 1]) + (10_000).to_bytes(4, "big") + bytes((7 * i) % 10 for i in range(10_000))
    for relative in DOWNLOADED_DATA:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(labels) if relative.endswith(".gz") else labels)
    return folder


class Batch:
    def __init__(self, base: Path, course: Path):
        self.base, self.course = base, course
        self.home = base / "home"
        self.cwd = base / "cwd"
        for folder in (self.home, self.cwd):
            folder.mkdir(parents=True)
        self.data = _downloaded_data(base / "data")

    def grade(self, submissions: Path, out: Path) -> subprocess.CompletedProcess:
        env = dict(os.environ, AUTOGRADER_ADV_SECRET=ENV_SECRET, HOME=str(self.home), AUTOGRADER_DATA=str(self.data))
        return subprocess.run(
            [sys.executable, "-m", "autograder", "grade", "unit1", str(submissions), "--out", str(out),
             "--course", str(self.course), "--seed", "7", "--jobs", "2"],
            capture_output=True, text=True, timeout=1500, env=env, cwd=self.cwd)


def _leftover_containers(client) -> list:
    return client.containers.list(all=True, filters={"label": "org.autograder.role"}) if client else []


@pytest.fixture(scope="module", params=["local", "docker"])
def run(request, tmp_path_factory):
    backend = request.param
    client = docker_client() if backend == "docker" else None
    if backend == "docker" and client is None:
        pytest.skip("no Docker daemon (.ci/run starts one)")
    base = tmp_path_factory.mktemp(f"adversarial-{backend}")
    course = base / "course"
    shutil.copytree(ROOT / "solutions" / "unit1", course / "solutions" / "unit1")
    declare_uses(course, COURSE_USES)
    text = (ROOT / "grader.toml").read_text()
    for key, value in LIMITS.items():
        text = re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
    if client is not None:
        text = docker_settings(text, import_test_image(client))
    (course / "grader.toml").write_text(text)
    batch = Batch(base, course)

    attacks = [a for a in ATTACKS if backend == "local" or a.goal in SANDBOX_GOALS]
    submissions = base / "submissions"
    submissions.mkdir()
    for attack in attacks:
        shutil.copy(path_for(attack), submissions / f"{attack.key}.ipynb")
    controls_only = base / "controls"
    controls_only.mkdir()
    for name, content in _controls().items():
        (submissions / f"{name}.ipynb").write_bytes(content)
        (controls_only / f"{name}.ipynb").write_bytes(content)

    watched = {"course": course, "submissions": submissions, "solutions": ROOT / "solutions" / "unit1",
               "assignments": ROOT / "assignments" / "unit1"}
    before = {name: _digest_tree(path) for name, path in watched.items()}
    extra = [batch.home, batch.cwd, base, ROOT, ROOT / "autograder", course, submissions]
    markers_before = _markers(extra)

    started = time.monotonic()
    hostile = batch.grade(submissions, base / "out")
    seconds = time.monotonic() - started
    alone = batch.grade(controls_only, base / "out-controls")
    time.sleep(1)
    return {
        "backend": backend, "attacks": {a.key for a in attacks}, "hostile": hostile, "alone": alone, "out": base / "out", "out_alone": base / "out-controls",
        "seconds": seconds, "changed": {name: _digest_tree(path) != before[name] for name, path in watched.items()},
        "new_markers": _markers(extra) - markers_before, "sleepers": _sleepers(),
        "containers": _leftover_containers(client),
    }


def _graded(run: dict, attack) -> None:
    if attack.key not in run["attacks"]:
        pytest.skip("decided in the judge: graded with the local backend only")


def _rows(out: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))


def _scores(out: Path, student: str) -> dict[str, tuple[float, float, str]]:
    result = json.loads((out / "results" / f"{student}.json").read_text())
    return {t["name"].split()[0]: (t["score"], t["max_score"], t.get("output", "")) for t in result["tests"]}


def _files_of(out: Path, student: str) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text(errors="replace") for p in out.rglob("*")
            if p.is_file() and (not student or p.name.split(".")[0] == student) and ".autograder" not in p.parts}


def _student_visible(out: Path, student: str) -> dict[str, str]:
    """What a student receives: results and feedback, not the TA's log."""
    return {k: v for k, v in _files_of(out, student).items() if not k.startswith("log")}


# --- the catalogue itself -------------------------------------------------------------------

def test_catalogue_covers_every_goal_with_enough_attacks():
    assert len(ATTACKS) >= 40
    assert len({a.key for a in ATTACKS}) == len(ATTACKS)
    for goal in GOALS:
        assert sum(a.goal == goal for a in ATTACKS) >= 5, goal


def test_notebooks_on_disk_are_those_of_the_catalogue():
    on_disk = sorted(str(p.relative_to(HERE)) for p in HERE.glob("*/*.ipynb"))
    assert on_disk == sorted(str(path_for(a).relative_to(HERE)) for a in ATTACKS)
    for attack in ATTACKS:
        stale = nbformat.read(str(path_for(attack)), as_version=4) != notebook_for(attack)
        assert not stale, f"{attack.key}: run python tests/adversarial/catalogue.py"


# --- (b) and (c): the batch, rows and statuses -------------------------------------------------

def test_the_batch_finishes_and_reports_every_submission(run):
    assert run["hostile"].returncode == 0, run["hostile"].stderr[-3000:]
    assert run["alone"].returncode == 0, run["alone"].stderr[-3000:]
    students = [r["student"] for r in _rows(run["out"])]
    assert sorted(students) == sorted(list(run["attacks"]) + list(CONTROLS))
    print(f"graded {len(students)} submissions in {run['seconds']:.0f} s")


def test_attack_gets_one_row_with_a_clear_status(run, attack):
    _graded(run, attack)
    rows = [r for r in _rows(run["out"]) if r["student"] == attack.key]
    assert len(rows) == 1
    row = rows[0]
    assert row["status"] in attack.statuses, row
    if row["status"] != "graded":
        assert len(row["reason"]) > 10, row
    assert (run["out"] / "feedback" / f"{attack.key}.html").exists()


def test_controls_are_graded_exactly_as_without_the_attackers(run):
    for control in CONTROLS:
        assert _scores(run["out"], control) == _scores(run["out_alone"], control), control
    good = _scores(run["out"], "control-good")
    assert all(score == maximum for score, maximum, _ in good.values()), good


# --- (a): no unearned points ---------------------------------------------------------------------

def test_attack_earns_nothing_it_did_not_earn_honestly(run, attack):
    _graded(run, attack)
    for exercise, (score, maximum, output) in _scores(run["out"], attack.key).items():
        allowed = maximum if exercise in attack.honest else attack.ceiling.get(exercise, 0.0)
        assert score <= allowed + 1e-6, f"{exercise}: {score} of {maximum} points: {output}"


def test_honest_exercises_are_still_graded(run, attack):
    _graded(run, attack)
    if not attack.spares_honest:
        pytest.skip("this attack legitimately breaks the honest answers too")
    scores = _scores(run["out"], attack.key)
    for exercise in attack.honest:
        score, maximum, output = scores[exercise]
        assert score == maximum, f"{exercise}: {output}"


# --- (d): nothing outside the sandbox changed ------------------------------------------------------

def test_no_file_outside_the_sandbox_was_written(run):
    assert not run["new_markers"]
    assert not [name for name, changed in run["changed"].items() if changed]


def test_no_process_or_container_outlives_the_batch(run):
    assert not run["sleepers"]
    assert not run["containers"]


def test_no_attack_reports_a_breach(run):
    reports = {k: v for k, v in _files_of(run["out"], "").items() if BREACH in v}
    assert not reports, {k: v[v.index(BREACH):][:300] for k, v in reports.items()}


def test_secrets_reach_no_output(run, attack):
    _graded(run, attack)
    for name, text in _files_of(run["out"], attack.key).items():
        assert ENV_SECRET not in text, name
        assert CONTROL_SECRET not in text, name
        for hidden in HIDDEN_TEXT:
            assert hidden not in text, (name, hidden)


def test_student_text_never_renders_as_markup(run, attack):
    """What the student's code raised is shown as text: no tag, heading or image of theirs
    renders in the feedback notebook's markdown or in the HTML page."""
    _graded(run, attack)
    notebook = run["out"] / "feedback" / f"{attack.key}.ipynb"
    if notebook.exists():
        cells = json.loads(notebook.read_text())["cells"]
        feedback = [c for c in cells if c.get("metadata", {}).get("autograder")]
        for cell in feedback:
            source = "".join(cell["source"])
            rendered = MarkdownIt("commonmark").render(source)
            assert not re.search(r"<(img|script|h\d)\b", rendered), rendered
            assert rendered.count("<li>") == sum(line.startswith("- ") for line in source.splitlines()), rendered
    page = (run["out"] / "feedback" / f"{attack.key}.html").read_text()
    assert not re.search(r"<(img|script)\b|<h2>u1|<h1>Total", page), attack.key


def test_markup_in_messages_cannot_crash_or_restyle_check(tmp_path):
    """`autograder check` (a Rich table) on the notebook whose errors are Rich markup."""
    attack = next(a for a in ATTACKS if a.name == "markup_in_messages")
    shutil.copytree(ROOT / "assignments" / "unit1" / "checks", tmp_path / "checks")
    shutil.copy(path_for(attack), tmp_path / "unit1.ipynb")
    run = subprocess.run([sys.executable, "-m", "autograder", "check", "unit1", "--only", "u1.3.q1"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300,
                         env={"COLUMNS": "300", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert "[/] [bold green]u1.3.q1 10 / 10[/bold green]" in run.stdout and "0 / 10" in run.stdout


def test_hidden_inputs_do_not_reach_feedback(run, attack):
    _graded(run, attack)
    for name, text in _student_visible(run["out"], attack.key).items():
        for leaked in LEAK.finditer(text):
            numbers = FOUR_DECIMALS.findall(leaked.group(1))
            assert len(numbers) < 5, f"{name}: {leaked.group(0)[:200]}"
