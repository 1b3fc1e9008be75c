"""Municipality profiles: key figures, peers, survey confidentiality, merged municipalities, rendering."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import survey
from helpers.core import io, register
from helpers.pipeline.render import render_many
from helpers.present import profiles

ROOT = Path(__file__).resolve().parents[1]
T0 = pd.Timestamp("2015-04-07 08:00", tz="UTC")  # a Tuesday in the window


def _year_tables(year: int, codes: list[str], with_accounts: set[str]) -> dict[str, pd.DataFrame]:
    munis = register.municipalities(year)
    munis = munis[munis["gm_code"].isin(codes)].reset_index(drop=True)
    acc, posts, msgs = [], [], []
    for i, code in enumerate(codes):
        if code not in with_accounts:
            continue
        aid = f"a{code}"
        acc.append({"year": year, "gm_code": code, "platform": "twitter", "account_id": aid,
                    "handle": f"gem{code}", "kind": "corporate", "first_seen": None})
        # 40 originals, 10 + i replies to citizens, 5 reposts
        for k in range(40):
            posts.append(dict(post_id=f"{code}o{k}", kind="original", reply_to=None, in_reply_to_id=None))
        for k in range(10 + i):
            posts.append(dict(post_id=f"{code}r{k}", kind="reply", reply_to="citizen",
                              in_reply_to_id=f"{code}q{k}"))
        for k in range(5):
            posts.append(dict(post_id=f"{code}p{k}", kind="repost", reply_to=None, in_reply_to_id=None))
        for p in posts[-(55 + i):]:
            p.update(platform="twitter", gm_code=code, account_id=aid, conversation_id=None,
                     created_at=T0.replace(year=year) + pd.Timedelta(hours=1))
        # 20 questions: the first 10 + i answered after (k + 1) hours, the rest unanswered
        for k in range(20):
            answered = k < 10 + i
            msgs.append({
                "msg_id": f"{code}q{k}", "platform": "twitter", "gm_code": code,
                "created_at": T0.replace(year=year), "addressed": True, "is_question": True,
                "theme": "afval",
                "first_reply_post_id": f"{code}r{k}" if answered else None,
                "first_reply_at": T0.replace(year=year) + pd.Timedelta(hours=k + 1) if answered else None,
            })
        msgs.append({"msg_id": f"{code}i0", "platform": "twitter", "gm_code": code,
                     "created_at": T0.replace(year=year), "addressed": False, "is_question": False,
                     "theme": "verkeer", "first_reply_post_id": None, "first_reply_at": None})
    return {
        "municipalities": munis,
        "accounts": pd.DataFrame(acc),
        "posts": pd.DataFrame(posts),
        "citizen_messages": pd.DataFrame(msgs),
    }


def _survey(year: int, codes: list[str], own: str) -> pd.DataFrame:
    rows = []
    for i, code in enumerate(codes):
        row = {c: pd.NA for c in survey.COLUMNS}
        row.update(respondent_id=f"R{i:016x}", year=year, gm_code=code, role="communicatie",
                   ownership="fully_communications" if i % 2 == 0 else "nobody")
        for c in survey.ENTHUSIASM_COLS:
            row[c] = 4
        if code == own:  # a distinctive own answer that must not appear in a default profile
            row["ownership"] = "spread_over_departments"
            row["enth_griffie"] = 1
        rows.append(row)
    return pd.DataFrame(rows, columns=list(survey.COLUMNS))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("proj")
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "data" / "reference", root / "data" / "reference")
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "profile.ipynb", root / "notebooks" / "profile.ipynb")
    # Zuid-Holland, all S but Spijkenisse and Nissewaard (M); Bernisse + Spijkenisse -> Nissewaard in 2015;
    # Westvoorne has no account at all.
    rest = ["GM0614", "GM0501", "GM0512", "GM0523", "GM0530", "GM0531", "GM0534"]
    zh_2014 = ["GM0568", "GM0612", *rest]
    zh_2015 = ["GM1930", *rest]
    for year, codes in ((2014, zh_2014), (2015, zh_2015)):
        folder = root / "outputs" / str(year)
        tables = _year_tables(year, codes, with_accounts=set(codes) - {"GM0614"})
        tables["survey_responses"] = _survey(year, codes, own="GM0501")
        for name, df in tables.items():
            io.write_table(df, name, folder)
        (folder / "data" / "provenance.json").write_text(json.dumps(
            {"demo": True, "seed": 1, "window": {"start": f"{year}-04-01", "end": f"{year}-06-30"}}))
        (folder / "manifest.json").write_text(json.dumps({"status": "ok", "year": year}))
    return root


@pytest.fixture()
def in_project(project, monkeypatch):
    monkeypatch.setenv("ROEPTOETER_ROOT", str(project))
    return project


def test_key_figures_by_hand(in_project):
    kf = profiles.key_figures(in_project / "outputs" / "2015", 2015).set_index("gm_code")
    # GM1930 is first in the list (i = 0): 10 replies to citizens / (10 + 40 originals)
    assert kf.loc["GM1930", "interaction_share"] == pytest.approx(10 / 50)
    assert kf.loc["GM1930", "posts"] == 55
    assert kf.loc["GM1930", "n_questions"] == 20 and kf.loc["GM1930", "n_answered"] == 10
    assert kf.loc["GM1930", "answer_rate"] == pytest.approx(0.5)
    assert kf.loc["GM1930", "indirect_reaction_share"] == 0.0
    # no account: no presence, no posts, not ranked
    assert not kf.loc["GM0614", "twitter_account"]
    assert kf.loc["GM0614", "posts"] == 0 and pd.isna(kf.loc["GM0614", "interaction_rank"])
    # the last one has the most replies: highest interaction share, rank 1
    assert kf["interaction_rank"].min() == 1
    assert kf.loc["GM0534", "interaction_rank"] == 1
    # KM: S(t) = 1 - t/20 for replies after 1, 2, ... hours. R survival's median convention: S is
    # exactly 0.5 from 10 h to the next reply at 11 h, so the median is the midpoint 10.5 h (17
    # answered). With only 10 of 20 answered, S stays at 0.5 from 10 h to the end of follow-up: the
    # 10 unanswered questions are censored at the window end (2015-04-07 08:00 UTC to 2015-06-30
    # 23:59:59.999 Amsterdam = 2030 h - 1 ms), so the median is (10 + 2030) / 2 = 1020 h.
    assert kf.loc["GM0534", "km_median"] == pytest.approx(10.5)
    assert kf.loc["GM1930", "km_median"] == pytest.approx(1020.0, abs=1e-6)
    assert kf.loc["GM1930", "km_within_2h"] == pytest.approx(2 / 20)
    assert kf["speed_rank"].notna().sum() == 7 and pd.isna(kf.loc["GM0614", "speed_rank"])


def test_every_rank_shown_equals_the_one_ranking(in_project):
    """Profiles, tables and figures take their ranks from metrics.ranking / responsetime.fastest."""
    from helpers.analysis import metrics
    from helpers.analysis import responsetime as rt
    from helpers.core import io

    folder = in_project / "outputs" / "2015"
    kf = profiles.key_figures(folder, 2015).set_index("gm_code")
    posts, msgs = io.read_table("posts", folder), io.read_table("citizen_messages", folder)
    munis = io.read_table("municipalities", folder)
    inter = metrics.interaction(posts, platform="twitter", labels=munis["gm_code"])
    ranking = metrics.ranking(inter)
    assert kf["interaction_rank"].dropna().astype(int).to_dict() == ranking["rank"].to_dict()
    window = {"start": "2015-04-01", "end": "2015-06-30"}
    fast = rt.fastest(rt.by_municipality(rt.questions(msgs, window)), min_questions=profiles.MIN_QUESTIONS)
    assert kf["speed_rank"].dropna().astype(int).to_dict() == fast["rank"].to_dict()
    # the summary text shows the same ranks
    code = ranking.index[0]
    assert f"rank 1 of {len(ranking)}" in profiles.summary_markdown(kf.reset_index(), code)


def test_ties_in_interaction_share_are_broken_by_the_wilson_lower_bound():
    from helpers.analysis import metrics

    inter = pd.DataFrame({"base": [40, 80, 60], "interaction_share": [0.5, 0.5, 0.25],
                          "ci_low": [0.35, 0.39, 0.15]},
                         index=pd.Index(["GM0002", "GM0001", "GM0003"], name="gm_code"))
    r = metrics.ranking(inter)
    # equal shares: the larger base (higher Wilson lower bound) ranks first; no shared ranks
    assert r["rank"].to_dict() == {"GM0001": 1, "GM0002": 2, "GM0003": 3}


def test_merged_municipality_is_compared_with_the_sum_of_its_predecessors(in_project):
    out = in_project / "outputs"
    kf = profiles.key_figures(out / "2015", 2015)
    prev = profiles.key_figures(out / "2014", 2014)
    change, note = profiles.previous_year_change(kf, prev, "GM1930", 2015)
    assert "GM0568" in note and "GM0612" in note and "sum of its predecessors" in note
    row = change.set_index("figure")
    assert row.loc["Twitter posts", "previous"] == 55 + 56  # Bernisse (i=0) + Spijkenisse (i=1)
    assert row.loc["Interaction share", "previous"] == pytest.approx((10 + 11) / (50 + 51))
    same, note2 = profiles.previous_year_change(kf, prev, "GM0512", 2015)
    assert note2 == "Compared with GM0512 in 2014."
    _, none = profiles.previous_year_change(kf, None, "GM0512", 2015)
    assert "No results for 2014" in none


def test_survey_peer_summary_leaves_the_municipality_out_and_suppresses_small_groups(in_project):
    folder = in_project / "outputs" / "2015"
    kf = profiles.key_figures(folder, 2015)
    responses = io.read_table("survey_responses", folder)
    summary = profiles.survey_peer_summary(responses, kf, "GM0501").set_index("measure")
    # peers = the 6 others (all size class S); GM0501's own "spread" answer and griffie=1 are left out
    assert summary.loc["responsibility fully with communications", "n"] == 6
    assert summary.loc["enthusiastic (4-5): griffie", "value"] == 1.0  # the six peers all say 4
    # an ordinal item: the share of 4-5 among valid answers, "weet niet" (9) out of the base
    peers = responses["gm_code"].isin(set(kf.loc[kf["size_class"] == "S", "gm_code"]) - {"GM0501"})
    assert int(peers.sum()) == 6
    mixed = responses.copy()
    mixed.loc[peers, "enth_directie"] = [5, 4, 3, 2, 9, 1]
    summary = profiles.survey_peer_summary(mixed, kf, "GM0501").set_index("measure")
    assert summary.loc["enthusiastic (4-5): directie", "n"] == 5
    assert summary.loc["enthusiastic (4-5): directie", "value"] == 2 / 5
    table = profiles.survey_table(summary.reset_index())
    row = table[table["Measure"].str.contains("Directors")].iloc[0]
    assert row["Measure"] == "Rates Directors (directie) enthusiastic (4-5 of 5)"
    assert row["Peers' answer"].startswith("40%")
    assert row["Peer group"] == "size class small (< 50,000)"  # a name, not the code "S"
    assert profiles.survey_peer_summary(responses, kf, "GM0501", min_n=7).empty


def _page_tables(page: str) -> list[list[list[tuple[str, str]]]]:
    """The tables of an HTML page: rows of (cell text, its ``text-align`` style) per table."""
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tables: list[list[list[tuple[str, str]]]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag, attrs) -> None:
            if tag == "table":
                self.tables.append([])
            elif tag == "tr":
                self.tables[-1].append([])
            elif tag in ("td", "th"):
                self.cell = [dict(attrs).get("style") or "", ""]

        def handle_data(self, data) -> None:
            if self.cell is not None:
                self.cell[1] += data

        def handle_endtag(self, tag) -> None:
            if tag in ("td", "th") and self.cell is not None:
                style, text = self.cell
                self.tables[-1][-1].append((text, style.removeprefix("text-align:")))
                self.cell = None

    parser = Cells()
    parser.feed(page)
    return parser.tables


def _column_alignment(table: list[list[tuple[str, str]]]) -> dict[str, str]:
    """Header -> alignment of a table's columns; every cell of a column must share its header's."""
    head, *rows = table
    for row in rows:
        assert [align for _, align in row] == [align for _, align in head], (head, row)
    return dict(head)


def test_profile_tables_align_text_left_and_numbers_right(in_project):
    from helpers.present.report import table_html

    kf = profiles.key_figures(in_project / "outputs" / "2015", 2015)
    comp = profiles.comparison_table(kf, "GM0614")  # Westvoorne: no Twitter, "not measured" cells
    assert (comp["This municipality"] == "not measured").any()
    assert profiles.number_columns(comp) == list(comp.columns[1:])
    pres = profiles.presence_table(kf, "GM0614")
    assert profiles.number_columns(pres) == list(pres.columns[2:])  # "Platform", yes/no are text
    survey = pd.DataFrame({"Measure": ["Rates Griffie enthusiastic"], "Peer group": ["size class S"],
                           "Peers' answer": ["not measured: no valid answers"]})
    # a column of numbers stays one where nothing was measured, as on every other profile
    assert profiles.number_columns(survey) == ["Peers' answer"]
    survey.loc[1] = ["Responsibility", "size class S", "40% (of 5)"]
    assert profiles.number_columns(survey) == ["Peers' answer"]
    survey.loc[2] = ["Ownership", "size class S", "spread"]  # one word makes a text column
    assert profiles.number_columns(survey) == []
    change = pd.DataFrame({"Figure": ["Twitter posts"], "2014": ["1,111"], "2015": ["55"],
                           "Change": ["-1,056"], "Note": [""]})
    assert profiles.number_columns(change) == ["2014", "2015", "Change"]
    shown = profiles.show_table(change).data
    assert shown == table_html(change, right=["2014", "2015", "Change"])
    assert _column_alignment(_page_tables(shown)[0]) == {
        "Figure": "left", "2014": "right", "2015": "right", "Change": "right", "Note": "left"}


def test_profiles_render_identically_in_both_orders_and_keep_own_answers_out(in_project):
    nb = in_project / "notebooks" / "profile.ipynb"
    sets = [{"year": 2015, "gm_code": "GM1930"}, {"year": 2015, "gm_code": "GM0614"}]
    first = render_many(nb, sets, jobs=1, cwd=in_project)
    second = render_many(nb, sets[::-1], jobs=1, cwd=in_project)
    assert [r.error for r in first + second] == [None] * 4
    html = {r.parameters["gm_code"]: r.html for r in first}
    assert html == {r.parameters["gm_code"]: r.html for r in second}
    assert "sum of its predecessors GM0568, GM0612" in html["GM1930"]
    assert "Westvoorne" in html["GM0614"]
    assert "Interaction share not measured: no replies or own posts on Twitter" in html["GM0614"]
    assert "Response time not measured: no citizen questions to it in the window." in html["GM0614"]
    assert "DEMO DATA (synthetic)" in html["GM1930"]
    for page in html.values():  # one picture first; no notebook boilerplate, raw values or "n/a"
        assert page.count('<img') == 1 and page.count('src="data:image/png;base64,') == 1
        assert page.index("<img") < page.index("Website") if "Website" in page else True
        text = re.sub(r'src="data:image/png;base64,[^"]*"', "", page)  # base64 may spell anything
        for raw in ("include_own_survey", "Inputs.", "n/a", "peer_group", "this_year", "0.200"):
            assert raw not in text, raw
    assert "Interaction share <strong>20%</strong> of 50 posts" in html["GM1930"]
    # tables: text columns left-aligned, numbers right-aligned, also numbers written as text (#17)
    tables = {t[0][0][0]: _column_alignment(t) for t in _page_tables(html["GM1930"])}
    assert set(tables) >= {"Platform", "Key figure", "Figure"}
    assert tables["Platform"] == {"Platform": "left", "This municipality": "left",  # yes/no
                                  "Size class medium (50,000-99,999) (n = 1)": "right",
                                  "Province Zuid-Holland (n = 8)": "right",
                                  "All municipalities (n = 8)": "right"}
    assert tables["Key figure"] == {"Key figure": "left", "This municipality": "right",
                                    "Median, size class medium (50,000-99,999)": "right",
                                    "Median, province Zuid-Holland": "right",
                                    "Median, all municipalities": "right"}
    assert tables["Figure"] == {"Figure": "left", "2014": "right", "2015": "right", "Change": "right"}
    assert '<td style="text-align:left">Twitter: has an account</td>' in html["GM1930"]
    assert "How each figure is measured" in html["GM1930"]
    assert "Made from demo data: every number on this page is synthetic." in html["GM1930"]
    assert '<img alt="Nissewaard 2015: better than the median on 0 of 4 key figures"' in html["GM1930"]
    # the default profile shows no own answers; the internal one does (so this check can fail)
    own = render_many(nb, [{"year": 2015, "gm_code": "GM0501"},
                           {"year": 2015, "gm_code": "GM0501", "include_own_survey": True}],
                      jobs=1, cwd=in_project)
    default, internal = own[0].html, own[1].html
    assert "spread_over_departments" not in default and "Internal use only" not in default
    assert "spread_over_departments" in internal and "Internal use only" in internal
    assert not np.isnan(len(default))


def test_harmonized_key_figures_sum_predecessors_and_pool(in_project):
    h = profiles.harmonized_key_figures(in_project / "outputs", [2014, 2015], 2015)
    assert sorted(h.groupby("year").size().to_dict().items()) == [(2014, 8), (2015, 8)]
    row = h[(h["year"] == 2014) & (h["gm_code"] == "GM1930")].iloc[0]
    assert row["n_predecessors"] == 2 and row["predecessors"] == "GM0568;GM0612"
    assert row["posts"] == 55 + 56
    assert row["interaction_share"] == pytest.approx((10 + 11) / (50 + 51))
    pooled = profiles.harmonized_summary(h).set_index("year")
    assert pooled.loc[2014, "merged"] == 1 and pooled.loc[2015, "merged"] == 0
    sub = h[h["year"] == 2015]
    assert pooled.loc[2015, "answer_rate_pooled"] == pytest.approx(
        sub["n_answered"].sum() / sub["n_questions"].sum())


def test_a_survey_only_year_has_profiles_that_name_what_was_not_collected(in_project):
    codes = ["GM1930", "GM0614", "GM0501", "GM0512", "GM0523", "GM0530", "GM0531"]
    folder = in_project / "outputs" / "2016"
    munis = register.municipalities(2016)
    io.write_table(munis[munis["gm_code"].isin(codes)].reset_index(drop=True), "municipalities", folder)
    io.write_table(_survey(2016, codes, own="GM0501"), "survey_responses", folder)
    (folder / "data" / "provenance.json").write_text(json.dumps(
        {"demo": False, "sources": ["survey"], "window": {"start": "2016-04-01", "end": "2016-06-30"}}))
    kf = profiles.key_figures(folder, 2016).set_index("gm_code")
    # nothing social was measured: presence NA (not False), counts 0, shares and ranks NA
    assert kf["twitter_account"].isna().all() and kf["facebook_active"].isna().all()
    assert (kf["posts"] == 0).all() and kf["interaction_share"].isna().all()
    assert kf["interaction_rank"].isna().all() and kf["speed_rank"].isna().all()
    assert profiles.presence_row(kf.reset_index(), "GM1930").empty
    assert profiles.comparison(kf.reset_index(), "GM1930").empty
    from helpers.pipeline.profiles import write_profiles_index

    scratch = folder / "index-check"
    scratch.mkdir()
    index = write_profiles_index(scratch, kf.reset_index(), 2016, demo=False).read_text(encoding="utf-8")
    assert index.count('<td data-v=""></td>') == 7 * 5  # 5 figures not collected, 7 municipalities
    shutil.rmtree(scratch)
    nb = in_project / "notebooks" / "profile.ipynb"
    [res] = render_many(nb, [{"year": 2016, "gm_code": "GM1930"}], jobs=1, cwd=in_project)
    assert res.error is None
    assert ("Sources for 2016: the staff survey. Not collected: Twitter, Facebook, the website crawl."
            in res.html)
    assert "Not collected for 2016: Twitter, Facebook." in res.html
    assert "Not collected for 2016: the website crawl." in res.html
    assert "every number on this page is synthetic" not in res.html  # not demo data
    assert "staff survey._" not in res.html and "Not collected for 2016: the staff survey" not in res.html


def test_picture_title_counts_figures_better_than_the_median_by_hand(in_project):
    kf = profiles.key_figures(in_project / "outputs" / "2015", 2015)
    # measured: interaction share, KM median, answer rate, reaction to indirect messages (no audit).
    # GM0534 (i = 7): share 17/57 > median 14/54; answer rate 17/20 > median 14/20; KM median 10.5 h
    # equals the median (six of seven are 10.5 h); indirect reaction 0 equals the median 0: 2 of 4.
    assert profiles.picture_figures(kf) == ["interaction_share", "km_median", "answer_rate",
                                            "indirect_reaction_share"]
    assert profiles.better_than_median(kf, "GM0534") == (2, 4)
    assert profiles.better_than_median(kf, "GM1930") == (0, 4)  # lowest share and answer rate, 1020 h
    assert profiles.better_than_median(kf, "GM0614") == (0, 0)  # no account: nothing measured
    name = kf.set_index("gm_code").loc["GM0534", "name"]
    assert profiles.picture_title(kf, "GM0534", 2015) == (
        f"{name} 2015: better than the median on 2 of 4 key figures")
    assert profiles.picture_title(kf, "GM0534", 2015, "nl") == (
        f"{name} 2015: beter dan de mediaan op 2 van 4 kerncijfers")
    fig = profiles.profile_figure(kf, "GM0614", 2015)
    assert len(fig.axes) == 4 and all(not ax.texts[0].get_text().startswith("Westvoorne")
                                       for ax in fig.axes)
    groups = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert groups == ["All municipalities", "Province Zuid-Holland", "Size class: Small (< 50,000)"]


def test_checklist_reads_as_present_and_missing_with_actions():
    gaps = pd.DataFrame({"item": ["a", "b", "c"], "kind": ["information"] * 3,
                         "label": ["Debt help", "Job seekers", "Apply for benefit"],
                         "present": [True, False, False], "url": [None] * 3,
                         "action": [None, "Link to werk.nl.", ""]})
    assert profiles.checklist_markdown(gaps) == (
        "**Present (1 of 3):** Debt help.\n\n**Missing (2):**\n\n"
        "- **Job seekers** — Link to werk.nl.\n- **Apply for benefit**")
    everything = gaps.assign(present=True)
    assert profiles.checklist_markdown(everything, "nl").endswith("Alle onderdelen zijn aanwezig.")


def test_reader_tables_show_percentages_with_their_base(in_project):
    kf = profiles.key_figures(in_project / "outputs" / "2015", 2015)
    comp = profiles.comparison_table(kf, "GM1930").set_index("Key figure")
    share = comp.loc[profiles.COMPARED["interaction_share"][0]]
    assert share["This municipality"] == "20%"
    # all 7 with a share: 10/50 ... 17/57 without GM0614's NA; median = 14/54 = 26%
    assert share["Median, all municipalities"] == "26% (n = 7)"
    # censored at the window end, 1020 h after the questions (the end is the midnight after the last day)
    assert comp.loc[profiles.COMPARED["km_median"][0], "This municipality"] == "1,020 h"
    pres = profiles.presence_table(kf, "GM0614").set_index("Platform")
    # 7 of the 8 Zuid-Holland S municipalities have a Twitter account; Westvoorne has none
    assert pres.loc["Twitter: has an account", "This municipality"] == "no"
    assert pres.loc["Twitter: has an account", "All municipalities (n = 8)"] == "88%"
    # 7 size-class S municipalities (all but Nissewaard, M), all with an account but Westvoorne: 6 of 7
    assert pres.loc["Twitter: has an account", "Size class small (< 50,000) (n = 7)"] == "86%"
    change = pd.DataFrame({"figure": ["Twitter posts", "Answer rate"], "previous": [111.0, 0.5],
                           "this_year": [55.0, 0.75], "change": [-56.0, 0.25]})
    assert profiles.change_table(change, 2015).to_dict("records") == [
        {"Figure": "Twitter posts", "2014": "111", "2015": "55", "Change": "-56"},
        {"Figure": "Answer rate", "2014": "50%", "2015": "75%", "Change": "+25 percentage points"}]


def test_profile_index_uses_the_profiles_font_and_percentages(in_project, tmp_path):
    from helpers.pipeline.profiles import write_profiles_index
    from helpers.pipeline.render import PROFILE_FONT, page

    kf = profiles.key_figures(in_project / "outputs" / "2015", 2015)
    index = write_profiles_index(tmp_path, kf, 2015, demo=False).read_text(encoding="utf-8")
    assert f"font-family:{PROFILE_FONT}" in index and f"font-family:{PROFILE_FONT}" in page("", "t")
    # GM1930 (Nissewaard): 10/50 interaction, 10/20 answered; sorted by the value, shown in percent
    assert '<td data-v="0.2000">20%</td>' in index and '<td data-v="0.5000">50%</td>' in index
    assert '<td data-v="1">Small (&lt; 50,000)</td>' in index  # a size class by its name, not "S"


# --- Dutch (issue #17: Dutch as an equal, complete option) ----------------------------------------

def test_dutch_profile_pages_have_no_english_and_dutch_numbers(in_project):
    from _english import english_words, visible_text

    nb = in_project / "notebooks" / "profile.ipynb"
    sets = [{"year": 2015, "gm_code": code, "lang": "nl"} for code in ("GM1930", "GM0614")]
    pages = {r.parameters["gm_code"]: r for r in render_many(nb, sets, jobs=1, cwd=in_project)}
    assert [r.error for r in pages.values()] == [None, None]
    for code, res in pages.items():
        text = visible_text(res.html)
        assert english_words(text) == Counter(), (code, english_words(text))
        assert res.html.startswith("<!DOCTYPE html>\n<html lang=\"nl\">")
        assert f"<title>Gemeenteprofiel {code}, 2015</title>" in res.html
        assert ("Bronnen voor 2015: Twitter, de enquête onder medewerkers. Niet verzameld: Facebook, "
                "de website-crawl.") in text
        assert "Niet verzameld voor 2015: de website-crawl." in text  # no audit in this project
        assert "Dit profiel lezen." in text and "elk getal op deze pagina is synthetisch" in text
        assert "Municipality profile" not in text  # the notebook's own first cell is not on the page
    nis, west = visible_text(pages["GM1930"].html), visible_text(pages["GM0614"].html)
    # 10 replies / 50 posts; Wilson 95% 11.2%-33.0%; the lowest of 7 ranked
    assert "Interactieaandeel 20% van 50 berichten (95%-BI 11-33%); rang 7 van 7." in nis
    # 10 of 20 answered: KM median (10 + 2030) / 2 = 1020 h, upper bound infinite (see above)
    assert ("mediane tijd tot het eerste antwoord 1.020,0 uur (95%-BI vanaf 5,0 uur, geen bovengrens)"
            in nis)
    assert "1.020 uur" in nis and "84.925 inwoners" in nis  # thousands dot in tables and sentences
    assert ("GM1930 bestond in 2014 nog niet in deze vorm: vergeleken met de som van haar voorgangers "
            "GM0568, GM0612.") in nis
    assert "Interactieaandeel niet gemeten: geen antwoorden of eigen berichten op Twitter" in west
    assert "Reactietijd niet gemeten: geen vragen van burgers aan de gemeente in de periode." in west
    assert "Twitter: heeft een account nee" in west
    # the 6 other small municipalities: GM0523 and GM0531 "fully communications" (GM0501 "spread")
    assert "Verantwoordelijkheid geheel bij communicatie grootteklasse klein (< 50.000) 33% (van 6)" in west


def test_dutch_reader_tables_by_hand(in_project):
    kf = profiles.key_figures(in_project / "outputs" / "2015", 2015)
    comp = profiles.comparison_table(kf, "GM1930", "nl").set_index("Kerncijfer")
    assert comp.columns.tolist() == ["Deze gemeente", "Mediaan, grootteklasse middel (50.000-99.999)",
                                     "Mediaan, provincie Zuid-Holland", "Mediaan, alle gemeenten"]
    km = comp.loc["Mediane tijd tot het eerste antwoord (Kaplan-Meier)"]
    # GM1930 1020 h; the others' median 10.5 h (six of seven 10.5 h)
    assert km.tolist() == ["1.020 uur", "1.020 uur (n = 1)", "10,5 uur (n = 7)", "10,5 uur (n = 7)"]
    assert comp.loc["Interactieaandeel (antwoorden aan anderen / eigen berichten)",
                    "Mediaan, alle gemeenten"] == "26% (n = 7)"
    assert profiles.number_columns(comp.reset_index()) == comp.columns.tolist()
    pres = profiles.presence_table(kf, "GM0614", "nl").set_index("Platform")
    assert pres.loc["Twitter: heeft een account"].tolist() == ["nee", "86%", "88%", "88%"]
    assert pres.columns.tolist() == ["Deze gemeente", "Grootteklasse klein (< 50.000) (n = 7)",
                                     "Provincie Zuid-Holland (n = 8)", "Alle gemeenten (n = 8)"]
    change = pd.DataFrame({"figure": ["Twitter posts", "Answer rate"], "previous": [1111.0, 0.5],
                           "this_year": [55.0, 0.75], "change": [-1056.0, 0.25]})
    assert profiles.change_table(change, 2015, "nl").to_dict("records") == [
        {"Cijfer": "Twitterberichten", "2014": "1.111", "2015": "55", "Verandering": "-1.056"},
        {"Cijfer": "Aandeel beantwoord", "2014": "50%", "2015": "75%", "Verandering": "+25 procentpunt"}]
    assert profiles.change_table(change, 2015).iloc[0].tolist() == [
        "Twitter posts", "1,111", "55", "-1,056"]
    # an infinite upper bound is said in words, in English too (it printed "5.0-inf h")
    english = profiles.summary_markdown(kf, "GM1930")
    assert "**1020.0 h** (95% CI from 5.0 h, no upper bound)" in english and "inf" not in english
    summary = pd.DataFrame({"measure": ["responsibility fully with communications",
                                        "enthusiastic (4-5): kcc"],
                            "peer_group": ["size class S", "size class S"], "n": [1234, 5],
                            "value": [0.4, np.nan]})
    assert profiles.survey_table(summary, "nl").to_dict("records") == [
        {"Onderwerp": "Verantwoordelijkheid geheel bij communicatie",
         "Vergelijkingsgroep": "grootteklasse klein (< 50.000)",
         "Antwoord vergelijkingsgroep": "40% (van 1.234)"},
        {"Onderwerp": "Noemt Klantcontactcentrum (KCC) enthousiast (4-5 van 5)",
         "Vergelijkingsgroep": "grootteklasse klein (< 50.000)",
         "Antwoord vergelijkingsgroep": "niet gemeten: geen geldige antwoorden"}]


def test_dutch_profile_index(in_project, tmp_path):
    from _english import english_words, visible_text

    from helpers.pipeline.profiles import write_profiles_index

    kf = profiles.key_figures(in_project / "outputs" / "2015", 2015)
    index = write_profiles_index(tmp_path, kf, 2015, demo=True, lang="nl").read_text(encoding="utf-8")
    assert english_words(visible_text(index)) == Counter()
    assert '<html lang="nl">' in index and "<h1>Gemeenteprofielen 2015</h1>" in index
    assert "8 gemeenten. Klik op een kolomkop om te sorteren." in index
    assert "<th onclick=\"sortBy(4)\">Mediane reactietijd (uur)</th>" in index
    # GM1930: 20% interaction, KM median 1020 h shown with a decimal comma, sorted by the number;
    # size classes by their names, sorted small (1) to large
    assert '<td data-v="0.2000">20%</td><td data-v="1020.0">1.020,0</td>' in index
    assert '<td data-v="2">Middel (50.000-99.999)</td>' in index


def test_profiles_in_another_language_are_not_up_to_date(in_project):
    from helpers.pipeline.profiles import profiles_key

    folder = in_project / "outputs" / "2015"
    keys = {lang: profiles_key(in_project, folder, in_project / "outputs" / "2014", ["GM1930"], lang)
            for lang in ("en", "nl")}
    # `roeptoeter profiles --lang nl` after an English rendering must render again, not skip
    assert keys["en"] != keys["nl"]
    assert keys["en"] == profiles_key(in_project, folder, in_project / "outputs" / "2014", ["GM1930"])
