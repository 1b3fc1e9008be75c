"""The year report and the index page in Dutch (issue 17, item 2): fixed text from the catalogs, Dutch
numbers in the tables, the records' English notes translated, and, on a small demo run with
``lang=nl``, pages without English.

The end-to-end tests share one small demo run (30 municipalities, ``-p lang=nl``) in a copy of the
project. The finding sentences and the replication sentence are written by
:mod:`helpers.present.findings` (tested in ``tests/test_findings.py``); this module checks the rest
of the page.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from _english import english_words, visible_text
from _project import copy_project

from helpers.present import report
from helpers.present.report import notes
from helpers.present.report.wording import _difference

SAMPLE = 30


# --- numbers and words ----------------------------------------------------------------------------
def test_format_value_writes_dutch_numbers():
    assert report.format_value(0.2413, "proportion", "nl") == "24,1%"
    assert report.format_value(4118, "files", "nl") == "4.118"
    assert report.format_value(22.5, "hours", "nl") == "22,5 uur"
    assert report.format_value(0.0123, "p-value", "nl") == "0,012"
    assert report.format_value(0.0, "p-value", "nl") == "< 1e-16"
    assert report.format_value(0.8564593, "kappa", "nl") == "0,856"
    assert report.format_value(False, "flag", "nl") == "nee"
    assert report.format_value("fear_of_workload;lack_of_affinity", "reasons", "nl") == (
        "Angst voor werkdruk, Gebrek aan affiniteit")
    # English as before
    assert report.format_value(4118, "files") == "4,118"
    assert report.format_value(22.5, "hours") == "22.5 h"


def test_differences_in_dutch_and_english():
    assert _difference(0.012, "proportion", "nl") == "+1,2 pp"
    assert _difference(-0.00062, "proportion", "nl") == "-0,1 pp"
    assert _difference(6.5, "hours", "nl") == "+6,5 uur"
    assert _difference(-1234, "municipalities", "nl") == "-1.234"
    assert _difference(0.5, "coefficient", "nl") == "+0,5"
    assert _difference(0.012, "proportion") == "+1.2 pp"
    assert _difference(-1234, "municipalities") == "-1,234"
    assert _difference(0, "hours", "nl") == "0"


def test_readable_frame_in_dutch():
    presence = pd.DataFrame({"year": [2013], "platform": ["twitter"], "count": [372], "n": [393],
                             "share": [0.946565], "ci_low": [0.919697], "ci_high": [0.964788]})
    shown = report.readable_frame(presence, "nl")
    assert shown.columns.tolist() == ["jaar", "platform", "met een account", "basis (gemeenten)",
                                      "aandeel", "95%-BI van", "95%-BI tot"]
    assert shown.iloc[0].tolist() == ["2013", "Twitter", "372", "393", "94,7%", "92,0%", "96,5%"]
    pooled = pd.DataFrame({"year": [2013], "municipalities": [1393.0], "info_score_mean": [5.14902]})
    assert report.readable_frame(pooled, "nl").iloc[0].tolist() == ["2013", "1.393", "5,15"]


def test_replication_table_in_dutch():
    rep = pd.DataFrame([
        {"source": "S", "year": 2014, "figure": "facebook_share", "published": 0.75, "computed": 0.74938,
         "difference": -0.00062, "unit": "proportion", "tolerance": 0.03, "within_tolerance": True},
        {"source": "S", "year": 2014, "figure": "response_mean_hours", "published": 24, "computed": 30.5,
         "difference": 6.5, "unit": "hours", "tolerance": 3, "within_tolerance": False},
    ])
    shown = report.readable_replication(rep, "nl")
    assert shown.iloc[0].tolist() == ["S", "Aandeel op Facebook", "75,0%", "74,9%", "-0,1 pp", "3,0 pp",
                                      "binnen tolerantie"]
    assert shown.iloc[1].tolist() == ["S", "Gemiddelde reactietijd op vragen", "24,0 uur", "30,5 uur",
                                      "+6,5 uur", "3,0 uur", "buiten tolerantie"]


def test_record_names_units_and_notebooks_in_dutch():
    assert report.describe("platform_mastodon_answer_rate", "nl") == "Mastodon: aandeel beantwoorde vragen"
    assert report.describe("platform_mastodon_answer_rate") == "Platform mastodon answer rate"
    assert report.describe("n_skipped", "nl") == "Aantal overgeslagen regels"
    assert report.describe("n_skipped") == "Number of skipped"
    assert report.unit_words("p-value", "nl") == "p-waarde"
    assert report.unit_words("e-services (0-5)", "nl") == "e-diensten (0-5)"
    assert report.unit_words("p-value") == "p-value"
    assert report.notebook_words("response_time", "nl") == "Reactietijd"
    assert report.notebook_words("response_time") == "Response time"
    records = pd.DataFrame([
        {"notebook": "survey", "name": "finding_survey", "value": "Zin.", "unit": "finding", "note": ""},
        {"notebook": "response_time", "name": "n_questions", "value": 12253, "unit": "questions",
         "note": "12253 questions, 9272 answered (twitter)"},
    ])
    assert report.findings_markdown(records, "nl") == ["**Enquête.** Zin."]
    assert report.records_summary(records, 2014, "nl") == (
        "**2014**: 2 vastgelegde getallen uit 2 notebook(s): reactietijd, enquête.")
    assert report.records_summary(records, 2014) == (
        "**2014**: 2 recorded numbers from 2 notebook(s): response time, survey.")
    shown = report.readable_records(records, "nl")
    assert shown.iloc[0].tolist() == ["Reactietijd", "Aantal vragen", "12.253", "vragen",
                                      "12.253 vragen, 9.272 beantwoord (Twitter)"]


# --- the records' notes ---------------------------------------------------------------------------
@pytest.mark.parametrize(("note", "dutch"), [
    ("any Twitter account, base 403", "een Twitter-account, basis 403"),
    (">= 1 tweet in the window 2014-04-01 - 2014-06-30, base 403",
     ">= 1 tweet in de periode 2014-04-01 - 2014-06-30, basis 403"),
    ("among the 9272 answered questions; 95% CI 0.207-0.238 (clustered by municipality)",
     "onder de 9.272 beantwoorde vragen; 95%-BI 0,207-0,238 (geclusterd per gemeente)"),
    ("log-rank weekday vs weekend, chi2 = 170.6 (1 df), p < 1e-16 (from chi2.sf)",
     "log-ranktoets werkdag tegen weekend, chi2 = 170,6 (1 vg), p < 1e-16 (uit chi2.sf)"),
    ("Facebook: 2325 of 3350 questions answered in the window",
     "Facebook: 2.325 van 3.350 vragen beantwoord in de periode"),
    ("Utrecht: replies to others / (replies to others + originals)",
     "Utrecht: reacties op anderen / (reacties op anderen + eigen berichten)"),
    ("register of 1 January 2014", "register van 1 januari 2014"),
    ("collected: Facebook, Mastodon, Bluesky", "verzameld: Facebook, Mastodon, Bluesky"),
    ("NA: twitter not collected for 2025", "n.b.: Twitter niet verzameld voor 2025"),
    ("in order x any e-service, none (a margin is constant), p not computed",
     "op orde x ten minste één e-dienst, geen toets (een marge is constant), p niet berekend"),
    ("95% CI nan-nan", "95%-BI n.b.-n.b."),
    ("", ""),
])
def test_notes_in_dutch(note, dutch):
    assert report.translate_note(note, "nl") == dutch
    assert report.translate_note(note, "en") == report.humanize(note)


def test_an_unknown_note_stays_english_as_a_whole():
    note = "base 403; a clause nobody wrote_yet"
    assert report.unknown_clauses(note) == ["a clause nobody wrote_yet"]
    assert report.translate_note(note, "nl") == "base 403; a clause nobody wrote yet"


def test_every_dutch_clause_puts_back_what_the_english_masked():
    for english, dutch in notes.CLAUSES.items():
        assert english.count("#") == dutch.count("#") + dutch.count("$"), english
        assert english.count("@") == dutch.count("@"), english
        assert english.count("P") == dutch.count("P"), english
        assert english_words(dutch) == Counter(), dutch


# --- a Dutch demo run ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dutch_run(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("dutch"))
    env = {**os.environ, "ROEPTOETER_ROOT": str(root)}
    done = subprocess.run([sys.executable, "-m", "helpers", "run", "--year", "2014", "-p",
                           f"demo_sample={SAMPLE}", "-p", "lang=nl", "--jobs", "2"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "outputs"


def _allowed(year: Path) -> tuple[str, ...]:
    """What a Dutch page may carry that the English-word check must not count: the figures' file
    names. The finding and replication sentences are Dutch too (:mod:`helpers.present.findings`)."""
    files = tuple(f"figures/{p.name}" for p in (year / "figures").glob("*.png"))
    return (*files, "records.csv")


@pytest.mark.slow
def test_every_note_of_a_demo_run_has_a_dutch_translation(dutch_run):
    records = pd.read_csv(dutch_run / "2014" / "tables" / "records.csv", keep_default_na=False)
    recorded = records.loc[records["unit"] != "finding", "note"].tolist()
    assert len(recorded) > 60
    assert {n: report.unknown_clauses(n) for n in recorded if report.unknown_clauses(n)} == {}
    dutch = " ".join(report.translate_note(n, "nl") for n in recorded)
    assert english_words(dutch) == Counter()


@pytest.mark.slow
def test_the_dutch_report_has_no_english(dutch_run):
    year = dutch_run / "2014"
    page = (year / "report.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in page
    assert "<title>Roeptoeter-rapport 2014</title>" in page
    text = visible_text(page)
    for heading in ("Wat is verzameld", "Bevindingen", "Kerncijfers", "Figuren", "Methoden in het kort",
                    "Replicatie van de gepubliceerde cijfers", "Herkomst van de gegevens",
                    "Alle vastgelegde getallen", "Bevinding"):
        assert heading in text
    assert "Question." not in text and "Inputs." not in text  # the notebook-only cell is left out
    assert text.count("DEMODATA (synthetisch)") == 2  # the banner, and the provenance table
    assert english_words(text, allowed=_allowed(year)) == Counter()
    # numbers in Dutch: the headline count of municipalities and a share with a decimal comma
    assert f"Gemeenten in het onderzoek {SAMPLE} register van 1 januari 2014" in text
    assert re.search(r"Aandeel op Facebook \d+,\d%", text)


@pytest.mark.slow
def test_the_trends_page_of_a_dutch_run_is_dutch(dutch_run):
    """``-p lang=nl`` reaches the trends notebook the runner runs after the year (it did not)."""
    page = (dutch_run / "trends" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in page
    text = visible_text(page)
    assert "Kerncijfers per jaar" in text and "DEMODATA (synthetisch)" in text
    assert english_words(text) == Counter()


@pytest.mark.slow
def test_the_index_of_a_dutch_run_is_dutch(dutch_run):
    page = (dutch_run / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in page and "<title>Roeptoeter-resultaten</title>" in page
    text = visible_text(page)
    assert "Jaren" in text and ">rapport</a>" in page
    assert english_words(text) == Counter()


# --- index, stale banner and the sources line without a run -----------------------------------------
def _year(folder: Path, lang: str, end: str, sources: list[str]) -> Path:
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "provenance.json").write_text(json.dumps({"demo": True, "sources": sources}))
    (folder / "manifest.json").write_text(json.dumps({
        "status": "ok", "parameters": {"08_report": {"lang": lang, "year": int(folder.name)}},
        "notebooks": {"08_report": {"end": end}}}))
    (folder / "report.html").write_text('<!DOCTYPE html>\n<html lang="x">\n<body>\n<p>r</p></body></html>')
    return folder


def test_the_index_speaks_the_language_of_the_last_run(tmp_path):
    out = tmp_path / "outputs"
    _year(out / "2013", "en", "2026-11-26T20:00:00Z", ["twitter", "survey"])
    _year(out / "2014", "nl", "2026-11-26T21:00:00Z", ["twitter", "facebook", "survey", "web"])
    assert report.index_lang(out) == "nl"
    text = visible_text(report.write_index(out).read_text(encoding="utf-8"))
    assert "2013 DEMODATA (synthetisch) ok" in text
    assert "niet verzameld: Facebook, de website-crawl" in text
    assert english_words(text) == Counter()
    english = report.write_index(out, lang="en").read_text(encoding="utf-8")
    assert "not collected: Facebook, the website crawl" in english


def test_a_hand_run_marks_a_dutch_report_stale_in_dutch(tmp_path):
    from helpers.pipeline.context import mark_hand_run

    folder = _year(tmp_path / "outputs" / "2014", "nl", "2026-11-26T21:00:00Z", ["twitter"])
    assert mark_hand_run(folder, "presence", now="2026-11-27T08:00:00Z")
    page = (folder / "report.html").read_text(encoding="utf-8")
    banner = re.search(r'<div id="stale-banner"[^>]*>([^<]*)</div>', page).group(1)
    assert banner.startswith("Verouderd: presence is met de hand gedraaid")
    assert english_words(banner, allowed=("roeptoeter run", "manifest.json")) == Counter()


def test_sources_line_and_provenance_in_dutch():
    line = report.sources_line(["twitter", "survey"], "nl")
    assert line == "<div><b>Gegevens:</b> Twitter, de enquête onder medewerkers</div>"
    assert report.sources_line(["twitter", "survey"]) == "<div><b>Data:</b> twitter, survey</div>"
    prov = report.provenance_table({"demo": True, "seed": 7, "sources": ["twitter", "web"], "skips": 1200,
                                    "window": ["2014-04-01", "2014-06-30"], "inputs": {"a": 1}},
                                   {"git": {"commit": "0123456789abcdef", "dirty": True}, "status": "ok"},
                                   "nl")
    assert prov.values.tolist() == [
        ["gegevens", "DEMODATA (synthetisch)"], ["startwaarde (seed)", "7"],
        ["bronnen", "Twitter, de website-crawl"], ["waarnemingsperiode", "2014-04-01 – 2014-06-30"],
        ["invoerbestanden (SHA-256 vastgelegd)", "1"], ["overgeslagen regels", "1.200"],
        ["git-commit", "0123456789ab (wijzigingen niet gecommit)"], ["status van de run", "ok"]]
    table = report.sources_table(["twitter", "survey"], 2016, "nl")
    assert table.values.tolist()[0] == [
        "Twitter", "verzameld", "aanwezigheid, interactie, reactietijd, monitoring, platforms"]
    assert table.values.tolist()[-1] == ["De website-crawl", "niet verzameld voor 2016", "websites"]
    assert report.not_collected_sentence(["survey"], 2016, "nl") == (
        "**Niet verzameld voor 2016:** Twitter, Facebook, de website-crawl. De notebooks die alleen deze "
        "bronnen gebruiken, melden dat en schrijven geen tabellen en geen figuren.")
