"""No personal data in any message, skip, log or output (issue 14), through the command line.

A name, an e-mail address and an IP address are planted in every citizen text field (tweet texts and
the users' names of twarc2 ``includes``, Facebook comment messages and commenter names, the text of a
cached web page) and in every column of the survey export. Then ``roeptoeter`` runs on those raw
files:

- **error mode**: the planted value is also put where it breaks a rule (a timestamp, a Likert cell,
  the gemeente code), so the pre-flight refuses the input: exit 2, and the terminal output (stdout
  and stderr) must not hold any planted token; nothing is written under ``outputs/``;
- **skip mode** (``-p on_bad_input=skip``, a real kernel runs ``01_collect``): every file under
  ``outputs/`` (failed folders included; Parquet tables decoded) and the terminal output are
  grepped for the planted tokens.

The survey importer (``helpers.collect.survey``) is fixed by another branch (helper B of issue 14);
the survey cases are skipped, with that reason, while :func:`survey_quotes_values` shows the fix is
not there yet.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _project import copy_project
from test_badinput import build_base

ROOT = Path(__file__).resolve().parent.parent
NAME, EMAIL, IP = "Jannetje Pietersen-Vlaskamp", "jannetje.pv@planted-pii.example", "203.0.113.77"
PLANTED = f"{NAME} <{EMAIL}> {IP}"
#: What must never appear anywhere (the three parts, each on its own).
TOKENS = ("Pietersen-Vlaskamp", "planted-pii.example", "203.0.113.77", "Jannetje")


def survey_quotes_values() -> bool:
    """True while the survey importer still quotes a survey value in a skip (the fix of helper B
    for issue 14 not merged): a Likert cell holding the planted text, imported in skip mode."""
    import tempfile

    from helpers.collect import survey

    folder = Path(tempfile.mkdtemp(prefix="pii-probe-")) / "survey"
    folder.mkdir()
    text = (ROOT / "tests" / "fixtures" / "survey" / "export_labels.csv").read_text("utf-8")
    lines = text.splitlines()
    lines[1] = lines[1].replace(";zeer enthousiast;", f";{PLANTED};", 1)
    (folder / "export.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        _, skips = survey.load(folder, 2014, "skip")
    except Exception as exc:  # noqa: BLE001 - any failure that quotes the value counts
        return any(t in str(exc) for t in TOKENS)
    return any(t in " ".join(map(str, skips.to_numpy().ravel())) for t in TOKENS)


NEEDS_SURVEY_FIX = pytest.mark.skipif(
    survey_quotes_values(),
    reason="depends on helper B's survey fix (issue 14): helpers.collect.survey still quotes "
           "survey values in its messages",
)


# --- planting ---------------------------------------------------------------------------------------
def plant_social_and_web(raw: Path) -> None:
    """The planted text in every citizen text field of Twitter, Facebook and the web cache."""
    path = raw / "twitter" / "mentions.jsonl"
    pages = []
    for line in path.read_text("utf-8").splitlines():
        page = json.loads(line)
        for tweet in page.get("data", []):
            tweet["text"] = f"@gemeenteutrecht {PLANTED} ?"
        for user in page.get("includes", {}).get("users", []):
            user["name"], user["description"] = PLANTED, PLANTED
        pages.append(json.dumps(page))
    path.write_text("\n".join(pages) + "\n", encoding="utf-8")
    comments = raw / "facebook" / "comments.csv"
    df = pd.read_csv(comments, dtype=str, keep_default_na=False)
    citizen = ~df["from_id"].isin(["900", "901"])
    df.loc[citizen, "message"] = PLANTED + "?"
    df.loc[citizen, "from_name"] = PLANTED
    df.to_csv(comments, index=False, lineterminator="\n")
    page = next((raw / "web" / "GM0344").glob("*.html"))
    page.write_text(f"<html><body><main><p>Bijstand aanvragen. Contact: {PLANTED}</p></main>"
                    "</body></html>", encoding="utf-8")


def plant_survey(raw: Path) -> None:
    """The planted text in every column of the survey export (first respondent)."""
    path = raw / "survey" / "export.csv"
    lines = path.read_text("utf-8").splitlines()
    header = lines[0].split(";")
    extra = [";".join([f"{9100 + i}"] + [PLANTED] * (len(header) - 1)) for i in range(1)]
    # a second respondent with the planted text only in its free-text columns is kept in skip mode
    row = lines[2].split(";")
    for i, col in enumerate(header):
        if col in ("Naam", "E-mail", "IP Address", "reden_anders_tekst", "toelichting"):
            row[i] = PLANTED
    lines[2] = ";".join(row)
    path.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")


def break_with_planted(raw: Path, source: str) -> None:
    """Put the planted text where it breaks a rule of ``source`` (error mode)."""
    if source == "twitter":
        path = raw / "twitter" / "mentions.jsonl"
        page = json.loads(path.read_text("utf-8").splitlines()[0])
        page["data"][0]["created_at"] = PLANTED
        path.write_text(json.dumps(page) + "\n", encoding="utf-8")
    elif source == "facebook":
        comments = raw / "facebook" / "comments.csv"
        df = pd.read_csv(comments, dtype=str, keep_default_na=False)
        df.loc[0, "created_time"] = PLANTED
        df.to_csv(comments, index=False, lineterminator="\n")
    elif source == "web":
        index = next((raw / "web" / "GM0344").glob("index.jsonl"))
        entry = json.loads(index.read_text("utf-8").splitlines()[0])
        entry["fetched_at"] = PLANTED
        index.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    elif source == "survey":
        path = raw / "survey" / "export.csv"
        lines = path.read_text("utf-8").splitlines()
        lines[1] = lines[1].replace(";GM0344;", f";{PLANTED};", 1)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def project(tmp_path: Path, sources: tuple[str, ...]) -> Path:
    root = copy_project(tmp_path / "proj")
    raw = build_base(root / "data" / "raw" / "2014")
    plant_social_and_web(raw)
    if "survey" in sources:
        plant_survey(raw)
    return root


def leaks(text: str) -> list[str]:
    return [t for t in TOKENS if t in text]


def grep_outputs(outputs: Path) -> dict[str, list[str]]:
    """Planted tokens in every file under ``outputs/`` (Parquet decoded to text as well)."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in outputs.rglob("*") if p.is_file()):
        data = path.read_bytes().decode("utf-8", errors="replace")
        if path.suffix == ".parquet":
            data += pd.read_parquet(path).astype(str).to_csv()
        hits = leaks(data)
        if hits:
            found[path.relative_to(outputs).as_posix()] = hits
    return found


def roeptoeter(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"ROEPTOETER_ROOT": str(root), "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
           "HOME": str(root), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", "helpers", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)


# --- error mode: refused by the pre-flight, nothing quoted -------------------------------------------------
@pytest.mark.parametrize("source", [
    "twitter", "facebook", "web",
    pytest.param("survey", marks=NEEDS_SURVEY_FIX),
])
def test_error_mode_messages_hold_no_personal_data(source: str, tmp_path: Path) -> None:
    root = project(tmp_path, (source,))
    break_with_planted(root / "data" / "raw" / "2014", source)
    result = roeptoeter(root, "run", "-p", "source=files", "-p", f"sources={source}")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("roeptoeter: error: file "), result.stderr
    assert leaks(result.stdout + result.stderr) == [], result.stderr
    assert not (root / "outputs").exists() or grep_outputs(root / "outputs") == {}


# --- skip mode: a real run of the data-collection notebook -----------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("sources", [
    pytest.param(("twitter", "facebook", "web"), id="social-web"),
    pytest.param(("twitter", "facebook", "web", "survey"), id="with-survey",
                 marks=NEEDS_SURVEY_FIX),
])
def test_skip_mode_outputs_hold_no_personal_data(sources: tuple[str, ...], tmp_path: Path) -> None:
    root = project(tmp_path, sources)
    raw = root / "data" / "raw" / "2014"
    for source in sources:
        break_with_planted(raw, source)
    result = roeptoeter(root, "run", "--notebooks", "01_collect", "-p", "source=files",
                        "-p", f"sources={','.join(sources)}", "-p", "on_bad_input=skip", "--jobs",
                        "1")
    outputs = root / "outputs"
    assert result.returncode == 0, result.stderr
    assert leaks(result.stdout + result.stderr) == [], result.stdout + result.stderr
    assert grep_outputs(outputs) == {}
    skips = pd.read_csv(outputs / "2014" / "data" / "skips.csv")
    # each planted rule break is a counted skip, described ("[a] text of 74 characters"), not quoted
    assert (skips["rule"].str.contains(f"text of {len(PLANTED)} characters")).sum() >= len(sources)
