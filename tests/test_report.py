"""Tests of helpers.present.report: replication table, year report, index page and the trends helpers."""

from __future__ import annotations

import base64
import io as stdio
import json
import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.core import io, register
from helpers.core.errors import DataError, ParameterError
from helpers.present import report

PUBLISHED = """
figures:
  - {source: S, year: 2014, figure: count, published: 390, unit: municipalities, tolerance: 0, kind: number}
  - {source: S, year: 2014, figure: share, published: 0.75, unit: proportion, tolerance: 0.03, kind: number}
  - {source: S, year: 2014, figure: code, published: GM0344, unit: gm_code, tolerance: 0, kind: code}
  - {source: S, year: 2014, figure: flag, published: true, unit: flag, tolerance: 0, kind: flag}
  - {source: S, year: 2014, figure: groups, published: "directie;middenmanagement", unit: g,
     tolerance: 0, kind: rank}
  - {source: S, year: 2014, figure: missing, published: 12, unit: hours, tolerance: 3, kind: number}
  - {source: S, year: 2013, figure: count, published: 408, unit: municipalities, tolerance: 0, kind: number}
"""


def _records(values: dict) -> pd.DataFrame:
    rows = [{"notebook": "nb", "name": k, "value": v, "unit": "", "note": ""} for k, v in values.items()]
    return pd.DataFrame(rows, columns=["notebook", "name", "value", "unit", "note"])


@pytest.fixture
def published(tmp_path) -> Path:
    path = tmp_path / "published.yaml"
    path.write_text(PUBLISHED, encoding="utf-8")
    return path


# --- replication ----------------------------------------------------------------------------------
def test_replication_within_tolerance_for_every_kind(published):
    records = _records(
        {
            "count": 390,
            "share": 0.78,  # difference 0.03 = tolerance: within
            "code": "gm0344",
            "flag": True,
            "groups": "middenmanagement;directie",  # order does not matter
        }
    )
    rep = report.replication_table(2014, records, published)
    assert list(rep.columns) == report.REPLICATION_COLUMNS
    assert list(rep["figure"]) == ["count", "share", "code", "flag", "groups", "missing"]
    assert set(rep["year"]) == {2014}
    got = dict(zip(rep["figure"], rep["within_tolerance"], strict=True))
    assert got == {
        "count": True,
        "share": True,
        "code": True,
        "flag": True,
        "groups": True,
        "missing": False,
    }
    share = rep.set_index("figure").loc["share"]
    assert share["difference"] == pytest.approx(0.03)
    assert share["published"] == "0.75" and share["computed"] == "0.78"
    assert share["tolerance"] == pytest.approx(0.03)
    missing = rep.set_index("figure").loc["missing"]
    assert pd.isna(missing["computed"]) and pd.isna(missing["difference"])
    assert pd.isna(rep.set_index("figure").loc["code", "difference"])


def test_replication_outside_tolerance_for_every_kind(published):
    records = _records(
        {
            "count": 389,
            "share": 0.7899,
            "code": "GM0363",
            "flag": False,
            "groups": "directie;raad",
        }
    )
    rep = replication = report.replication_table(2014, records, published)
    assert not replication["within_tolerance"].any()
    assert rep.set_index("figure").loc["count", "difference"] == pytest.approx(-1)
    assert rep.set_index("figure").loc["share", "difference"] == pytest.approx(0.0399)


def test_replication_reads_text_values_from_records_csv(published):
    # tables/records.csv gives every value as text
    records = _records(
        {
            "count": "390",
            "share": "0.76",
            "code": "GM0344",
            "flag": "True",
            "groups": '["directie", "middenmanagement"]',
        }
    )
    rep = report.replication_table(2014, records, published)
    assert rep["within_tolerance"].tolist() == [True, True, True, True, True, False]


def test_replication_year_without_published_figures_is_empty(published):
    assert report.replication_table(2020, _records({"count": 1}), published).empty
    rep13 = report.replication_table(2013, _records({}), published)
    assert rep13["figure"].tolist() == ["count"] and not rep13["within_tolerance"].iloc[0]


def test_shipped_published_yaml_has_the_2014_figures():
    rep = report.replication_table(2014, _records({"twitter_accounts": 390}))
    assert len(rep) == 18
    assert rep.set_index("figure").loc["twitter_accounts", "within_tolerance"]


def test_bad_published_entry_names_row_and_column(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "figures:\n  - {source: S, year: 2014, figure: a, published: 1, unit: u, tolerance: 0,"
        " kind: number}\n  - {source: S, year: 2014, figure: b, published: 1, unit: u,"
        " tolerance: 0, kind: guess}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        report.replication_table(2014, _records({}), bad)
    assert err.value.row == 2 and err.value.column == "kind"


def test_compare_flag_and_missing():
    assert report.compare("flag", True, "ja", 0)[1]
    assert not report.compare("flag", True, "maybe", 0)[1]
    assert not report.compare("number", 24, None, 3)[1]
    assert report.compare("number", 24, 21, 3) == (-3, True)


# --- headline formatting --------------------------------------------------------------------------
def test_headline_table_formats_units_in_order():
    records = pd.DataFrame(
        [
            {
                "notebook": "b",
                "name": "response_mean_hours",
                "value": 24.04,
                "unit": "hours",
                "note": "clock time",
            },
            {
                "notebook": "a",
                "name": "facebook_share",
                "value": 0.7512,
                "unit": "proportion",
                "note": "base 403",
            },
            {"notebook": "a", "name": "other", "value": 1, "unit": "x", "note": ""},
        ]
    )
    table = report.headline_table(records)
    assert table["record"].tolist() == ["facebook_share", "response_mean_hours"]
    assert table["value"].tolist() == ["75.1%", "24.0 h"]
    assert table["basis"].tolist() == ["base 403", "clock time"]
    assert report.headline_table(records, "nl")["finding"].iloc[0] == "Aandeel op Facebook"
    assert report.format_value(True, "flag", "nl") == "ja"
    assert report.format_value(1234, "municipalities") == "1,234"
    assert report.format_value("a;b", "groups") == "a, b"


# --- finalize_year --------------------------------------------------------------------------------
def _png() -> str:
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    buf = stdio.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def make_year(folder: Path, *, demo: bool = True, year: int = 2014) -> Path:
    """A finished year folder: records, provenance, manifest and an executed 08_report notebook."""
    (folder / "records").mkdir(parents=True)
    (folder / "records" / "presence.json").write_text(
        json.dumps(
            [
                {
                    "notebook": "presence",
                    "name": "twitter_accounts",
                    "value": 390,
                    "unit": "municipalities",
                    "note": "",
                }
            ]
        ),
        encoding="utf-8",
    )
    (folder / "data").mkdir()
    (folder / "data" / "provenance.json").write_text(json.dumps({"demo": demo, "seed": 7}), encoding="utf-8")
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "status": "ok",
                "year": year,
                "notebooks": {
                    "01_collect": {"end": "2026-11-26T21:00:00+00:00"},
                    "08_report": {"end": "2026-11-26T21:05:00+00:00"},
                },
            }
        ),
        encoding="utf-8",
    )
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Findings of the year"),
            new_code_cell(
                "SECRET_CODE_LINE = 1\ndisplay(fig)",
                outputs=[
                    new_output("display_data", data={"image/png": _png(), "text/plain": "<Fig>"}),
                    new_output("stream", name="stdout", text="390 municipalities\n"),
                ],
                execution_count=1,
            ),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    (folder / "notebooks").mkdir()
    nbformat.write(nb, folder / "notebooks" / "08_report.ipynb")
    return folder


def test_finalize_year_writes_report_without_code_and_replication(tmp_path):
    folder = make_year(tmp_path / "2014")
    report.finalize_year(folder, 2014)
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<title>Roeptoeter 2014 report</title>" in html
    assert "SECRET_CODE_LINE" not in html  # code hidden
    assert "390 municipalities" in html and "Findings of the year" in html
    assert html.count('src="data:image/png;base64,') == 1
    assert 'src="http' not in html  # no CDN scripts: opens offline
    assert html.index('id="demo-banner"') < html.index("Findings of the year")
    assert "Seed 7." in html
    rep = pd.read_csv(folder / "tables" / "replication.csv")
    assert len(rep) == 18
    assert rep.set_index("figure").loc["twitter_accounts", "within_tolerance"]
    first = (folder / "report.html").read_bytes()
    report.finalize_year(folder, 2014)
    assert (folder / "report.html").read_bytes() == first  # deterministic


def test_finalize_year_keeps_the_notebooks_replication_and_real_data_has_no_banner(tmp_path):
    folder = make_year(tmp_path / "2014", demo=False)
    (folder / "tables").mkdir()
    (folder / "tables" / "replication.csv").write_text("kept\n", encoding="utf-8")
    report.finalize_year(folder, 2014)
    assert (folder / "tables" / "replication.csv").read_text(encoding="utf-8") == "kept\n"
    assert 'id="demo-banner"' not in (folder / "report.html").read_text(encoding="utf-8")


def test_finalize_year_without_report_notebook_writes_no_report(tmp_path):
    folder = make_year(tmp_path / "2014")
    (folder / "notebooks" / "08_report.ipynb").unlink()
    report.finalize_year(folder, 2014)  # a subset run that did not include 08_report
    assert not (folder / "report.html").exists()
    assert (folder / "tables" / "replication.csv").is_file()


# --- index ----------------------------------------------------------------------------------------
def test_the_runner_warms_the_report_exporter_up_without_writing(tmp_path, monkeypatch):
    from helpers.pipeline.finish import Hooks

    assert Hooks.from_report().warm_up is report.warm_up
    monkeypatch.chdir(tmp_path)
    report.warm_up()
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_write_index_lists_years_with_manifest(tmp_path):
    out = tmp_path / "outputs"
    report.finalize_year(make_year(out / "2014"), 2014)
    make_year(out / "2013", demo=False, year=2013)
    (out / "2013" / "manifest.json").write_text(
        json.dumps({"status": "failed", "notebooks": {}}), encoding="utf-8"
    )
    (out / "2015").mkdir()  # no manifest: not run
    (out / "2014" / "profiles").mkdir()
    (out / "2014" / "profiles" / "index.html").write_text("<html></html>", encoding="utf-8")
    (out / "trends").mkdir()
    (out / "trends" / "report.html").write_text("<html></html>", encoding="utf-8")
    path = report.write_index(out)
    html = path.read_text(encoding="utf-8")
    assert path == out / "index.html"
    assert 'href="2014/report.html"' in html
    assert 'href="2014/profiles/index.html"' in html
    assert 'href="trends/report.html"' in html
    assert "2015" not in html
    assert "2026-11-26T21:05:00+00:00" in html  # run date = latest notebook end
    assert ">failed<" in html and ">ok<" in html
    assert html.index(">2014") < html.index(">2013")  # latest first
    row13 = html[html.index(">2013") : html.index("</tr>", html.index(">2013"))]
    assert "DEMO" not in row13 and "no report" in row13
    row14 = html[html.index(">2014") : html.index("</tr>", html.index(">2014"))]
    assert report.DEMO_TEXT in row14


def test_write_index_with_nothing_run(tmp_path):
    html = report.write_index(tmp_path / "outputs").read_text(encoding="utf-8")
    assert "No year has been run yet" in html


# --- stand-alone pages ----------------------------------------------------------------------------
def test_render_page_blocks(tmp_path):
    png = tmp_path / "fig.png"
    png.write_bytes(base64.b64decode(_png()))
    page = report.render_page(
        "T <1>",
        [
            ("h2", "A & B"),
            "plain <text>",
            pd.DataFrame({"x": [1]}),
            ("figure", (png, "Cap")),
            ("note", "merged"),
            ("list", ["one"]),
        ],
        demo=True,
    )
    assert "<title>T &lt;1&gt;</title>" in page
    assert "<h2>A &amp; B</h2>" in page and "<p>plain &lt;text&gt;</p>" in page
    assert "<table" in page and "data:image/png;base64," in page and "<figcaption>Cap" in page
    assert page.index("demo-banner") < page.index("<h1>")
    with pytest.raises(TypeError):
        report.render_page("t", [42], demo=False)


# --- trends helpers -------------------------------------------------------------------------------
def _year_tables(out: Path, year: int, codes: list[str], accounts: list[tuple[str, str]]) -> None:
    folder = out / str(year)
    munis = register.municipalities(year)
    io.write_table(munis[munis["gm_code"].isin(codes)], "municipalities", folder)
    acc = pd.DataFrame(
        {
            "year": year,
            "gm_code": [c for c, _ in accounts],
            "platform": [p for _, p in accounts],
            "account_id": [f"{c}-{p}" for c, p in accounts],
            "handle": [f"@{c}" for c, _ in accounts],
            "kind": "corporate",
            "first_seen": pd.NaT,
        }
    )
    io.write_table(acc, "accounts", folder)
    (folder / "manifest.json").write_text('{"status": "ok"}', encoding="utf-8")


def test_harmonized_presence_merges_and_flags_splits(tmp_path):
    out = tmp_path / "outputs"
    # 2013: Anna Paulowna (GM0366) merged into Hollands Kroon (GM1911) in 2012, so use 2011 -> 2012;
    # Boarnsterhim (GM0055) was split on 1 January 2014.
    _year_tables(
        out,
        2011,
        ["GM0366", "GM0412", "GM0344"],
        [("GM0366", "twitter"), ("GM0344", "twitter"), ("GM0344", "facebook")],
    )
    _year_tables(out, 2012, ["GM1911", "GM0344"], [("GM1911", "twitter")])
    shares, changes = report.harmonized_presence(out, [2011, 2012], 2012)
    s = shares.set_index(["year", "platform"])
    assert s.loc[(2011, "twitter"), "count"] == 2 and s.loc[(2011, "twitter"), "n"] == 2
    assert s.loc[(2011, "facebook"), "share"] == pytest.approx(0.5)
    assert s.loc[(2012, "twitter"), "share"] == pytest.approx(0.5)
    assert s.loc[(2011, "facebook"), "ci_low"] == pytest.approx(0.094531, abs=1e-5)  # Wilson(1, 2)
    assert changes.to_dict("records") == [
        {
            "year": 2011,
            "gm_code": "GM1911",
            "predecessors": "GM0366;GM0412",
            "n_predecessors": 2,
            "split": False,
        }
    ]
    notes = report.merger_notes(changes, 2012)
    assert notes == [
        "2011: 2 municipalities of 2011 merged into 1 of the 2012 register (Anna Paulowna + Niedorp → "
        "Hollands Kroon); their values are summed (present = any predecessor present)."
    ]
    _year_tables(out, 2013, ["GM0055"], [("GM0055", "twitter")])
    _, split = report.harmonized_presence(out, [2013], 2014)
    assert split["split"].tolist() == [True]
    assert "split" in report.merger_notes(split, 2014)[0]


def test_choose_years_and_records_over_years(tmp_path):
    out = tmp_path / "outputs"
    for year in (2013, 2014):
        (out / str(year) / "tables").mkdir(parents=True)
        (out / str(year) / "manifest.json").write_text("{}", encoding="utf-8")
    (out / "2015").mkdir()
    pd.DataFrame(
        {
            "notebook": ["a", "a"],
            "name": ["facebook_share", "fastest_1_gm_code"],
            "value": ["0.6", "GM0717"],
            "unit": ["proportion", "gm_code"],
            "note": ["", ""],
        }
    ).to_csv(out / "2013" / "tables" / "records.csv", index=False)
    (out / "2014" / "records").mkdir()
    (out / "2014" / "records" / "a.json").write_text(
        json.dumps(
            [
                {"notebook": "a", "name": "facebook_share", "value": 0.75, "unit": "proportion", "note": ""},
                {
                    "notebook": "a",
                    "name": "fastest_1_gm_code",
                    "value": "GM1924",
                    "unit": "gm_code",
                    "note": "",
                },
            ]
        ),
        encoding="utf-8",
    )
    assert report.choose_years("", 0, out) == [2013, 2014]
    assert report.choose_years("2014", 0, out) == [2014]
    assert report.choose_years("", 2013, out) == [2013]
    with pytest.raises(ParameterError, match="2015"):
        report.choose_years("2014, 2015", 0, out)
    with pytest.raises(ParameterError, match="no year"):
        report.choose_years("", 0, tmp_path / "empty")
    records = report.records_over_years(out, [2013, 2014])
    trend = report.numeric_trends(records)
    assert trend[["year", "name", "value"]].values.tolist() == [
        [2013, "facebook_share", 0.6],
        [2014, "facebook_share", 0.75],
    ]
    fastest = report.fastest_over_years(records, 2014)
    assert fastest[["year", "gm_code", "name"]].values.tolist() == [
        [2013, "GM0717", "Veere"],
        [2014, "GM1924", "Goeree-Overflakkee"],
    ]


def test_trend_title_states_the_largest_change():
    part = pd.DataFrame({
        "year": [2013, 2015, 2013, 2015],
        "name": ["facebook_share", "facebook_share", "twitter_active_share", "twitter_active_share"],
        "value": [0.62, 0.89, 0.93, 0.97],
    })
    title = report.trend_title(part, "proportion")
    assert title.startswith("2013-2015: ") and "62% to 89%" in title
    hours = pd.DataFrame({"year": [2014, 2015], "name": ["response_mean_hours"] * 2,
                          "value": [23.37, 21.0]})
    assert report.trend_title(hours, "hours").endswith("went from 23.4 h to 21 h")
    assert report.trend_title(hours[hours["year"] == 2014], "hours") == "2014: one year only, no trend yet"


def test_p_values_are_never_shown_as_zero_and_findings_are_carried():
    from helpers.present import report as rp

    assert rp.format_value(0.0, "p-value") == "< 1e-16"
    assert rp.format_value(5.5e-39, "p-value") == "< 1e-16"
    assert rp.format_value(0.0123, "p-value") == "0.012"
    records = pd.DataFrame([
        {"notebook": "websites", "name": "finding_websites", "value": "W.", "unit": "finding", "note": ""},
        {"notebook": "presence", "name": "finding_presence", "value": "P.", "unit": "finding", "note": ""},
        {"notebook": "response_time", "name": "logrank_weekend_p", "value": 0.0, "unit": "p-value",
         "note": ""},
    ])
    assert rp.findings_markdown(records) == ["**Presence.** P.", "**Websites.** W."]
    shown = rp.readable_records(records)
    assert shown["value"].tolist() == ["< 1e-16"] and "finding" not in set(shown["unit"])

# --- sources collected and not collected ----------------------------------------------------------
def test_sources_table_names_what_was_not_collected():
    tab = report.sources_table(["survey", "mastodon"], 2016)
    assert tab["source"].tolist() == ["Twitter", "Facebook", "Mastodon", "The staff survey",
                                      "The website crawl"]
    assert tab["status"].tolist() == ["not collected for 2016", "not collected for 2016", "collected",
                                      "collected", "not collected for 2016"]
    assert report.not_collected(["survey", "mastodon"]) == ["twitter", "facebook", "web"]
    assert report.not_collected_sentence(["survey"], 2016) == (
        "**Not collected for 2016:** Twitter, Facebook, the website crawl. The notebooks that use "
        "only these sources say so and write no tables or figures.")
    assert report.not_collected_sentence(["twitter", "facebook", "survey", "web"], 2016) == ""
    nl = report.sources_table(["web"], 2016, lang="nl")
    assert nl["status"].iloc[0] == "niet verzameld voor 2016"


def test_index_names_each_years_sources_and_what_was_not_collected(tmp_path):
    out = tmp_path / "outputs"
    folder = make_year(out / "2016", demo=False, year=2016)
    (folder / "data").mkdir(exist_ok=True)
    (folder / "data" / "provenance.json").write_text(
        json.dumps({"demo": False, "sources": ["twitter", "survey"]}), encoding="utf-8")
    html = report.write_index(out).read_text(encoding="utf-8")
    row = html[html.index(">2016"): html.index("</tr>", html.index(">2016"))]
    assert "<td>Twitter, the staff survey<br>" in row
    assert "not collected: Facebook, the website crawl" in row


def test_presence_of_a_year_without_social_sources_has_no_platform_columns(tmp_path):
    out = tmp_path / "outputs"
    _year_tables(out, 2012, ["GM1911", "GM0344"], [("GM1911", "twitter"), ("GM0344", "facebook")])
    folder = out / "2012"
    (folder / "data" / "provenance.json").write_text(json.dumps({"sources": ["survey"]}))
    assert report.presence_by_municipality(folder).columns.tolist() == ["gm_code"]
    shares, _ = report.harmonized_presence(out, [2012], 2012)
    assert shares.empty
    # Twitter only: the Facebook account of the list is not a measured presence
    (folder / "data" / "provenance.json").write_text(json.dumps({"sources": ["twitter"]}))
    pres = report.presence_by_municipality(folder).set_index("gm_code")
    assert pres.columns.tolist() == ["twitter"] and pres["twitter"].to_dict() == {"GM1911": 1, "GM0344": 0}


# --- what a reader sees (issue 17) ----------------------------------------------------------------
def test_headline_table_shows_names_labels_and_keeps_the_subject_out_of_the_basis():
    names = {"GM0344": "Utrecht", "GM1924": "Goeree-Overflakkee"}
    records = pd.DataFrame([
        {"notebook": "interaction", "name": "top_interaction_gm_code", "value": "GM0344",
         "unit": "gm_code", "note": "highest interaction share"},
        {"notebook": "interaction", "name": "top_interaction_share", "value": 0.8481675,
         "unit": "proportion", "note": "Utrecht: replies to others / (replies to others + originals)"},
        {"notebook": "survey", "name": "most_enthusiastic_groups", "value": "college;communicatie;kcc;raad",
         "unit": "groups", "note": "top four"},
        {"notebook": "survey", "name": "top_reasons", "value": "fear_of_workload;lack_of_affinity",
         "unit": "reasons", "note": "base 208 respondents"},
        {"notebook": "collect", "name": "n_skipped", "value": 0, "unit": "items",
         "note": "on_bad_input=error"},
    ])
    table = report.headline_table(records, "en", names).set_index("record")
    assert table.loc["top_interaction_gm_code", "value"] == "Utrecht"
    assert table.loc["top_interaction_share", "value"] == "84.8% (Utrecht)"
    assert table.loc["top_interaction_share", "basis"] == (
        "replies to others / (replies to others + originals)")
    assert table.loc["most_enthusiastic_groups", "value"] == (
        "Executive (college), Communications, Contact centre (KCC), Council (raad)")
    assert table.loc["top_reasons", "value"] == "Fear of workload, Lack of affinity"
    nl = report.headline_table(records, "nl", names).set_index("record")
    assert nl.loc["top_reasons", "value"] == "Angst voor werkdruk, Gebrek aan affiniteit"
    shown = report.readable_records(records, "en", names)
    assert shown.columns.tolist() == ["notebook", "number", "value", "unit", "note"]
    assert shown["number"].tolist()[-1] == "Number of skipped"
    assert shown["note"].tolist()[-1] == "on bad input=error"
    text = " ".join(shown.astype(str).to_numpy().ravel()) + " ".join(table.drop(columns=["unit"])
                                                                     .astype(str).to_numpy().ravel())
    assert not report.RAW_KEY.findall(text)  # the record names are the index, not shown


def test_format_value_by_unit():
    assert report.format_value(0.0, "p-value") == "< 1e-16"
    assert report.format_value(0.26, "p-value") == "0.26"
    assert report.format_value(34038, "messages") == "34,038"
    assert report.format_value(23.368995, "hours") == "23.4 h"
    assert report.format_value(0.2224978, "proportion") == "22.2%"
    assert report.format_value(0.8564593, "kappa") == "0.856"
    assert report.format_value("GM9999", "gm_code", names={}) == "GM9999"  # unknown code kept


def test_readable_replication_in_units():
    rep = pd.DataFrame([
        {"source": "S", "year": 2014, "figure": "facebook_share", "published": 0.75, "computed": 0.74938,
         "difference": -0.00062, "unit": "proportion", "tolerance": 0.03, "within_tolerance": True},
        {"source": "S", "year": 2014, "figure": "top_interaction_gm_code", "published": "GM0344",
         "computed": "GM0344", "difference": None, "unit": "gm_code", "tolerance": 0,
         "within_tolerance": True},
        {"source": "S", "year": 2014, "figure": "response_mean_hours", "published": 24, "computed": 30.5,
         "difference": 6.5, "unit": "hours", "tolerance": 3, "within_tolerance": False},
    ])
    shown = report.readable_replication(rep, "en", {"GM0344": "Utrecht"})
    assert shown.iloc[0].tolist() == ["S", "Share on Facebook", "75.0%", "74.9%", "-0.1 pp", "3.0 pp",
                                      "within tolerance"]
    assert shown.iloc[1][["published", "computed", "difference"]].tolist() == ["Utrecht", "Utrecht", ""]
    assert shown.iloc[2][["difference", "tolerance", "result"]].tolist() == ["+6.5 h", "3.0 h",
                                                                             "outside tolerance"]


def test_tables_align_text_left_and_numbers_right():
    df = pd.DataFrame({"finding": ["a<b"], "n": [3]})
    out = report.table_html(df)
    assert '<th style="text-align:left">finding</th>' in out
    assert '<td style="text-align:left">a&lt;b</td>' in out
    assert '<td style="text-align:right">3</td>' in out


def test_trends_tables_are_formatted():
    numbers = pd.DataFrame([
        {"year": 2013, "name": "n_municipalities", "value": 408.0, "group": "municipalities"},
        {"year": 2014, "name": "n_municipalities", "value": 403.0, "group": "municipalities"},
        {"year": 2014, "name": "facebook_share", "value": 0.749379652, "group": "proportion"},
        {"year": 2013, "name": "response_mean_hours", "value": 24.04, "group": "hours"},
    ])
    wide = report.key_numbers_table(numbers).set_index("finding")
    assert wide.columns.tolist() == ["2013", "2014"]
    assert wide.loc["Municipalities in the study"].tolist() == ["408", "403"]
    assert wide.loc["Share on Facebook"].tolist() == ["", "74.9%"]
    assert wide.loc["Mean response time to questions"].tolist() == ["24.0 h", ""]
    presence = pd.DataFrame({"year": [2013], "platform": ["twitter"], "count": [372], "n": [393],
                             "share": [0.946565], "ci_low": [0.919697], "ci_high": [0.964788]})
    shown = report.readable_frame(presence)
    assert shown.columns.tolist() == ["year", "platform", "with an account", "base (municipalities)",
                                      "share", "95% CI from", "95% CI to"]
    assert shown.iloc[0].tolist() == ["2013", "Twitter", "372", "393", "94.7%", "92.0%", "96.5%"]
    pooled = pd.DataFrame({"year": [2013], "municipalities": [393.0], "interaction_share_pooled": [0.280876],
                           "info_score_mean": [5.14902]})
    assert report.readable_frame(pooled).iloc[0].tolist() == ["2013", "393", "28.1%", "5.15"]


def test_report_page_has_the_demo_banner_once(tmp_path):
    import nbformat

    folder = make_year(tmp_path / "2014")
    nb_path = folder / "notebooks" / f"{report.REPORT_NOTEBOOK}.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    cell = nbformat.v4.new_code_cell("run.banner()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": report.demo_banner("en", 7)})]
    nb.cells.insert(0, cell)
    nbformat.write(nb, nb_path)
    report.finalize_year(folder, 2014)
    page = (folder / "report.html").read_text()
    assert page.count('id="demo-banner"') == 1
    assert page.index('id="demo-banner"') < page.index("Findings of the year")


def test_trends_manifest_has_the_provenance_of_a_year(tmp_path):
    from helpers.pipeline import manifest as mf
    from helpers.pipeline import runner

    root = tmp_path
    (root / "notebooks").mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "notebooks" / "trends.ipynb", root / "notebooks")
    for year in (2013, 2014):
        (root / "outputs" / str(year)).mkdir(parents=True)
        mf.write_manifest(root / "outputs" / str(year), {"status": "ok", "key": f"key{year}",
                                                          "git": {"commit": "abc123"}})
    calls = []

    def fake(src, dest, parameters, project_root):
        calls.append(parameters)
        Path(dest).write_text("{}")

    project = runner.Project.at(root)
    assert runner.run_trends(project, quiet=True, execute=fake, hooks=runner.Hooks()) == 0
    written = json.loads((root / "outputs" / "trends" / "manifest.json").read_text())
    assert written["status"] == "ok" and written["years"] == ["2013", "2014"]
    assert set(written) >= {"git", "packages", "lock_sha256", "python", "year_manifests", "key"}
    assert written["packages"]["pandas"] == pd.__version__
    y13 = written["year_manifests"]["2013"]
    assert y13["sha256"] == mf.sha256_file(root / "outputs" / "2013" / "manifest.json")
    assert (y13["status"], y13["key"], y13["git_commit"]) == ("ok", "key2013", "abc123")
    # unchanged years: up to date; a hand run marks trends stale, so the runner reruns it
    assert runner.run_trends(project, quiet=True, execute=fake, hooks=runner.Hooks()) == 0
    assert len(calls) == 1
    from helpers.pipeline.context import mark_hand_run

    assert mark_hand_run(root / "outputs" / "trends", "trends")
    assert runner.run_trends(project, quiet=True, execute=fake, hooks=runner.Hooks()) == 0
    assert len(calls) == 2
    # the run's -p values that trends declares reach it (a Dutch run, a Dutch trends page), others
    # not; a new language is a new key, so the page is redone
    assert runner.run_trends(project, quiet=True, execute=fake, hooks=runner.Hooks(),
                             parameters={"lang": "nl", "min_base": 200}) == 0
    assert len(calls) == 3 and calls[-1]["lang"] == "nl" and "min_base" not in calls[-1]
    assert set(calls[-1]) == {"lang", "run_dir"}
    assert runner.run_trends(project, quiet=True, execute=fake, hooks=runner.Hooks(),
                             parameters={"lang": "nl"}) == 0
    assert len(calls) == 3


def test_translate_headers_to_dutch():
    df = pd.DataFrame({"finding": ["a"], "value": ["1"], "other": ["x"]})
    assert report.translate_headers(df, "nl").columns.tolist() == ["bevinding", "waarde", "other"]
    assert report.translate_headers(df, "en").columns.tolist() == ["finding", "value", "other"]
