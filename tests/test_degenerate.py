"""Degenerate data through the notebooks: a five-municipality year in which no question was answered,
nobody reaches the interaction ranking's base and one municipality answered the survey.

Every analysis notebook must run, record each statistic it cannot compute as NA with the reason
(a note starting with "NA"), and write no empty table and no empty figure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from _project import copy_project

from helpers.analysis import survey
from helpers.core import io, register

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2016
CODES = ["GM0344", "GM1924", "GM0677", "GM0363", "GM0599"]  # Utrecht, Goeree-O., Veere, A'dam, R'dam
T0 = pd.Timestamp("2016-04-05 09:00", tz="UTC")  # a Tuesday in the window


def _tables() -> dict[str, pd.DataFrame]:
    munis = register.municipalities(YEAR)
    munis = munis[munis["gm_code"].isin(CODES)].reset_index(drop=True)
    acc, posts, msgs = [], [], []
    for i, code in enumerate(CODES):
        acc.append({"year": YEAR, "gm_code": code, "platform": "twitter", "account_id": f"a{code}",
                    "handle": f"gem{code}", "kind": "corporate", "first_seen": None})
        for k in range(3 + i):  # a few originals and one reply each: bases far below 30
            posts.append({"post_id": f"{code}o{k}", "kind": "original", "reply_to": None,
                          "in_reply_to_id": None})
        posts.append({"post_id": f"{code}r0", "kind": "reply", "reply_to": "citizen",
                      "in_reply_to_id": f"{code}x"})
        for p in posts[-(4 + i):]:
            p.update(platform="twitter", gm_code=code, account_id=f"a{code}", conversation_id=None,
                     created_at=T0 + pd.Timedelta(hours=1))
        for k in range(30):  # 25 addressed questions each (enough for the ranking), none answered
            msgs.append({"msg_id": f"{code}q{k}", "platform": "twitter", "gm_code": code,
                         "created_at": T0 + pd.Timedelta(days=k % 5), "addressed": k % 6 != 0,
                         "is_question": True, "theme": "afval", "first_reply_post_id": None,
                         "first_reply_at": None})
    row = {c: pd.NA for c in survey.COLUMNS}
    row.update(respondent_id="R0000000000000001", year=YEAR, gm_code=CODES[0], role="communicatie",
               ownership="fully_communications", monitor_themes=2, monitor_indirect=1,
               integration_policy=3, integration_execution=4)
    for c in survey.ENTHUSIASM_COLS:
        row[c] = 4
    for c in survey.REASON_COLS:
        row[c] = False
    return {"municipalities": munis, "accounts": pd.DataFrame(acc), "posts": pd.DataFrame(posts),
            "citizen_messages": pd.DataFrame(msgs),
            "survey_responses": pd.DataFrame([row], columns=list(survey.COLUMNS))}


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    import papermill as pm

    root = copy_project(tmp_path_factory.mktemp("degenerate"))
    folder = root / "outputs" / str(YEAR)
    for name, df in _tables().items():
        io.write_table(df, name, folder)
    (folder / "data" / "provenance.json").write_text(json.dumps(
        {"demo": False, "sources": ["twitter", "survey"], "window": [f"{YEAR}-04-01", f"{YEAR}-06-30"]}))
    mp = pytest.MonkeyPatch()
    mp.setenv("ROEPTOETER_ROOT", str(root))
    try:
        for nb in ("03_interaction", "04_response_time", "05_monitoring", "06_survey"):
            pm.execute_notebook(root / "notebooks" / f"{nb}.ipynb", root / f"{nb}.out.ipynb",
                                parameters={"year": YEAR}, cwd=str(root), progress_bar=False,
                                kernel_name="python3")
    finally:
        mp.undo()
    return folder


@pytest.mark.slow
def test_every_na_statistic_says_why(year):
    records = pd.concat([pd.DataFrame(json.loads(p.read_text()))
                         for p in sorted((year / "records").glob("*.json"))])
    na = records[records["value"].isna()].set_index("name")
    assert {"top_interaction_gm_code", "response_mean_hours", "km_median_hours", "weekend_raises_mean",
            "logrank_weekend_p", "fastest_1_gm_code", "survey_friedman_p",
            "alpha_monitoring"} <= set(na.index)
    unexplained = na[~na["note"].str.startswith("NA")]
    assert unexplained.empty, unexplained["note"].to_dict()
    assert na.loc["response_mean_hours", "note"].startswith(
        "NA: none of the 125 questions was answered")
    assert na.loc["alpha_monitoring", "note"] == (
        "NA: Cronbach's alpha needs at least two complete respondents (n=1)")
    got = records.set_index("name")["value"]
    assert got["answer_rate"] == 0.0 and got["n_questions"] == 125  # real zeros stay zeros


@pytest.mark.slow
def test_no_empty_table_or_figure_is_written(year):
    empty = [p.name for p in sorted((year / "tables").glob("*.csv")) if pd.read_csv(p).empty]
    assert empty == []
    figures = {p.stem for p in (year / "figures").glob("*.png")}
    assert not figures & {"interaction_ranking", "megaphone_distribution", "response_km",
                          "response_fastest"}
    assert not (year / "tables" / "survey_ordinal_model.csv").exists()
