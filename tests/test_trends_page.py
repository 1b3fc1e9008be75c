"""The trends page in English and Dutch: its titles, notes and merger notes by hand, and the trends
notebook run with ``lang=nl`` on a two-year project (2014, 2015: Bernisse and Spijkenisse merged into
Nissewaard) leaving no English on the page."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from _english import english_words, visible_text

from helpers.core import io, register
from helpers.present import platform_trends, report

ROOT = Path(__file__).resolve().parents[1]
#: Zuid-Holland: Bernisse (GM0568) + Spijkenisse (GM0612) -> Nissewaard (GM1930) in 2015.
REST = ["GM0614", "GM0501", "GM0512", "GM0523", "GM0530", "GM0531", "GM0534"]
CODES = {2014: ["GM0568", "GM0612", *REST], 2015: ["GM1930", *REST]}
#: Municipalities without a Twitter account per year.
NO_ACCOUNT = {2014: {"GM0614"}, 2015: {"GM0614", "GM0501"}}
#: The recorded numbers of each year (notebook, name, value, unit).
RECORDS = {
    2014: [("collect", "n_municipalities", 9, "municipalities"),
           ("presence", "twitter_accounts", 8, "municipalities"),
           ("presence", "twitter_active_share", 0.875, "proportion"),
           ("response_time", "response_mean_hours", 24.0, "hours"),
           ("response_time", "fastest_1_gm_code", "GM0568", "gm_code")],
    2015: [("collect", "n_municipalities", 8, "municipalities"),
           ("presence", "twitter_accounts", 6, "municipalities"),
           ("presence", "twitter_active_share", 0.75, "proportion"),
           ("response_time", "response_mean_hours", 22.5, "hours"),
           ("response_time", "fastest_1_gm_code", "GM1930", "gm_code")],
}


def _numbers() -> pd.DataFrame:
    rows = [{"year": y, "name": name, "value": float(v), "group": report.TREND_NUMBERS[name]}
            for y, recs in RECORDS.items() for _, name, v, _ in recs if name in report.TREND_NUMBERS]
    return report.numeric_trends(pd.DataFrame(
        [{"year": r["year"], "name": r["name"], "value": r["value"]} for r in rows]))


def test_trend_titles_by_hand_in_both_languages():
    numbers = _numbers()
    by_group = {g: part for g, part in numbers.groupby("group")}
    # hours: 24.0 -> 22.5; counts: twitter_accounts changed by 2, n_municipalities by 1
    assert report.trend_title(by_group["hours"], "hours") == (
        "2014-2015: Mean response time to questions went from 24 h to 22.5 h")
    assert report.trend_title(by_group["hours"], "hours", "nl") == (
        "2014-2015: Gemiddelde reactietijd op vragen: van 24 uur naar 22,5 uur")
    assert report.trend_title(by_group["municipalities"], "municipalities", "nl") == (
        "2014-2015: Gemeenten met een Twitteraccount: van 8 naar 6")
    # 87.5% rounds half to even: 88%
    assert report.trend_title(by_group["proportion"], "proportion") == (
        "2014-2015: Share active on Twitter changed most, 88% to 75%")
    assert report.trend_title(by_group["proportion"], "proportion", "nl") == (
        "2014-2015: Aandeel actief op Twitter: grootste verandering, van 88% naar 75%")
    one = by_group["hours"][by_group["hours"]["year"] == 2015]
    assert report.trend_title(one, "hours", "nl") == "2015: één jaar, nog geen trend"
    big = pd.DataFrame({"year": [2014, 2015], "name": ["n_municipalities"] * 2, "value": [1234.0, 1200.5]})
    assert report.trend_title(big, "municipalities", "nl").endswith("van 1.234 naar 1.200,5")
    assert report.trend_title(big, "municipalities").endswith("went from 1,234 to 1,200.5")


def test_merger_notes_and_platform_titles_in_dutch():
    changes = pd.DataFrame({"year": [2014] * 7, "gm_code": [f"GM{i:04d}" for i in range(7)],
                            "predecessors": [f"GM1{i:03d};GM2{i:03d}" for i in range(7)],
                            "n_predecessors": [2] * 7, "split": [False] * 6 + [True]})
    english, split = report.merger_notes(changes, 2015)
    assert english.startswith("2014: 14 municipalities of 2014 merged into 7 of the 2015 register "
                              "(GM1000 + GM2000 → GM0000;")
    assert "GM1004 + GM2004 → GM0004 and 2 more); their values are summed" in english
    assert split == ("2014: 1 municipality of the 2015 register includes part of a municipality that "
                     "was split (GM0006); flagged, not divided.")
    dutch, split_nl = report.merger_notes(changes, 2015, "nl")
    assert dutch.startswith("2014: 14 gemeenten van 2014 zijn samengevoegd, in het register van 2015 "
                            "zijn dat er 7 (GM1000 + GM2000 → GM0000;")
    assert "GM1004 + GM2004 → GM0004 en nog 2); hun waarden zijn opgeteld" in dutch
    assert split_nl == ("2014: 1 gemeente van het register van 2015 omvat een deel van een gesplitste "
                        "gemeente (GM0006); gemarkeerd, niet verdeeld.")
    two = changes.assign(split=[False] * 5 + [True, True])
    assert report.merger_notes(two, 2015, "nl")[1].startswith(
        "2014: 2 gemeenten van het register van 2015 omvatten een deel")
    # codes the registers know are named by the register of their year (unknown ones stay codes)
    real = pd.DataFrame({"year": [2014], "gm_code": ["GM1930"], "predecessors": ["GM0568;GM0612"],
                         "n_predecessors": [2], "split": [False]})
    assert report.merger_notes(real, 2015) == [
        "2014: 2 municipalities of 2014 merged into 1 of the 2015 register (Bernisse + Spijkenisse → "
        "Nissewaard); their values are summed (present = any predecessor present)."]
    frame = pd.DataFrame({"year": [2023, 2023], "platform": ["twitter", "mastodon"],
                          "measure": ["km_median_hours"] * 2, "value": [19.25, 31.0],
                          "ci_low": [15.0, 20.0], "ci_high": [22.0, 40.0], "group": ["hours"] * 2})
    assert platform_trends.measure_title(frame, "km_median_hours", "nl") == (
        "Mediane tijd tot eerste antwoord (Kaplan-Meier): in 2023 het kortst op Twitter (19,2 uur)")
    assert platform_trends.measure_title(frame, "km_median_hours") == (
        "Median time to first reply (Kaplan-Meier): in 2023 shortest on Twitter (19.2 h)")


def _project(root: Path) -> Path:
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "data" / "reference", root / "data" / "reference")
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "trends.ipynb", root / "notebooks" / "trends.ipynb")
    for year, codes in CODES.items():
        folder = root / "outputs" / str(year)
        munis = register.municipalities(year)
        io.write_table(munis[munis["gm_code"].isin(codes)].reset_index(drop=True), "municipalities", folder)
        io.write_table(pd.DataFrame([
            {"year": year, "gm_code": c, "platform": "twitter", "account_id": f"a{c}", "handle": f"gem{c}",
             "kind": "corporate", "first_seen": None} for c in codes if c not in NO_ACCOUNT[year]]),
            "accounts", folder)
        (folder / "data" / "provenance.json").write_text(json.dumps(
            {"demo": True, "seed": 1, "sources": ["twitter"],
             "window": {"start": f"{year}-04-01", "end": f"{year}-06-30"}}))
        (folder / "tables").mkdir()
        records = pd.DataFrame([{"notebook": nb, "name": n, "value": v, "unit": u, "note": ""}
                                for nb, n, v, u in RECORDS[year]])
        records.to_csv(folder / "tables" / "records.csv", index=False)
        (folder / "manifest.json").write_text(json.dumps({"status": "ok", "year": year}))
    return root


def test_the_dutch_trends_page_has_no_english(tmp_path, monkeypatch):
    import papermill

    root = _project(tmp_path)
    monkeypatch.setenv("ROEPTOETER_ROOT", str(root))
    papermill.execute_notebook(str(root / "notebooks" / "trends.ipynb"), str(tmp_path / "executed.ipynb"),
                               parameters={"lang": "nl"}, cwd=str(root / "notebooks"), progress_bar=False)
    page = (root / "outputs" / "trends" / "report.html").read_text(encoding="utf-8")
    text = visible_text(page)
    assert english_words(text) == Counter(), english_words(text)
    assert '<html lang="nl">' in page and "<title>Roeptoeter: trends 2014-2015</title>" in page
    assert "Jaren: 2014, 2015; register van 2015." in text
    for heading in ("Kerncijfers per jaar", "Aanwezigheid per platform (geharmoniseerd)",
                    "Interactie, reactie en websites (geharmoniseerd)", "Snelst reagerende gemeenten"):
        assert f"<h2>{heading}</h2>" in page, heading
    assert ("2014: 2 gemeenten van 2014 zijn samengevoegd, in het register van 2015 zijn dat er 1 "
            "(Bernisse + Spijkenisse → Nissewaard); hun waarden zijn opgeteld") in text
    assert "2014-2015: Gemiddelde reactietijd op vragen: van 24 uur naar 22,5 uur" in text
    assert "2014-2015: Aandeel actief op Twitter: grootste verandering, van 88% naar 75%" in text
    # Bernisse (2014's fastest) is part of Nissewaard (2015's fastest) on the 2015 register
    assert "De snelste gemeente was elk jaar dezelfde: Nissewaard." in text
    # no year ran 09_platforms: the page says so under the heading instead of leaving it empty
    assert ("Interactie en reactietijd per platform Nog geen jaar heeft een vergelijking tussen "
            "platforms (notebook 09_platforms).") in text


@pytest.mark.parametrize("page", ["profile", "trends"])
def test_the_catalogs_of_the_pages_have_both_languages(page):
    from helpers.present import texts

    assert texts.problems(page) == []
