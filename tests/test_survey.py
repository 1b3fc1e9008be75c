"""Survey codebook, analyses (hand-computed and reference values) and demo calibration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats as sps
from statsmodels.miscmodels.ordinal_model import OrderedModel

from helpers import demo
from helpers.analysis import survey as sv
from helpers.collect import survey as cs
from helpers.core import io, register
from helpers.core.paths import reference_dir
from helpers.demo import survey as ds

# --- codebook ------------------------------------------------------------------------------------


def test_codebook_covers_required_questions() -> None:
    cb = sv.load_codebook()
    items = sv.codebook_items(cb)
    by_q = items.groupby("question")
    assert set(by_q.get_group("enthusiasm")["key"]) == set(sv.GROUPS)
    assert set(by_q.get_group("reasons")["key"]) == set(sv.REASONS)
    assert (by_q.get_group("reasons")["type"] == "multi").all()
    own = by_q.get_group("ownership").iloc[0]
    assert [own["codes"][c] for c in (1, 2, 3, 4, 5)] == list(sv.OWNERSHIP)
    assert set(by_q.get_group("monitoring")["key"]) == {"themes", "indirect"}
    assert set(by_q.get_group("integration")["key"]) == {"policy", "execution"}
    assert {"role", "gm_code", "respondent_id"} <= set(items["question"])
    # missing codes kept as their own categories, with Dutch wording
    assert cb["missing"][8]["nl"] == "weet niet" and cb["missing"][9]["nl"] == "n.v.t."
    enth = by_q.get_group("enthusiasm").iloc[0]["codes"]
    assert enth[8] == "dont_know" and enth[3] == "neutraal"
    for q in cb["questions"]:
        assert q["nl"] and q["en"] and q["type"] in ("likert5", "single", "multi", "text", "id")
    # Dutch terms explained in the header
    header = (reference_dir() / sv.CODEBOOK_FILE).read_text(encoding="utf-8")
    for term in ("griffie = the council clerk's office", "KCC = klantcontactcentrum",
                 "college van B&W = the mayor and aldermen"):
        assert term in header


def test_codebook_must_match_schema(tmp_path: Path) -> None:
    cb = yaml.safe_load((reference_dir() / sv.CODEBOOK_FILE).read_text(encoding="utf-8"))
    cb["questions"] = [q for q in cb["questions"] if q["id"] != "ownership"]
    bad = tmp_path / "cb.yaml"
    bad.write_text(yaml.safe_dump(cb), encoding="utf-8")
    with pytest.raises(ValueError, match="missing \\['ownership'\\]"):
        sv.load_codebook(bad)


def test_schema_is_found_by_name() -> None:
    from helpers.core.schemas import schema

    assert schema("survey_responses") is sv.RESPONSES_SCHEMA


# --- analyses on hand-made data ------------------------------------------------------------------


def tiny() -> pd.DataFrame:
    """Six respondents; enthusiasm of two groups set by hand, the rest neutral."""
    n = 6
    df = pd.DataFrame({
        "respondent_id": [f"R{i:016x}" for i in range(n)],
        "year": 2014,
        "gm_code": ["GM0344", "GM0363", "GM0599", "GM0003", "GM0005", "GM0007"],
        "role": "communicatie",
    })
    for c in sv.ENTHUSIASM_COLS:
        df[c] = 3
    df["enth_college"] = [5, 4, 4, 8, 2, 5]
    df["enth_directie"] = [2, 1, 3, 2, 8, 2]
    df["ownership"] = ["fully_communications"] * 3 + ["nobody", "dont_know", None]
    for c in sv.REASON_COLS:
        df[c] = pd.array([False] * 5 + [None], dtype="boolean")  # respondent 6 skipped it
    df["reason_fear_of_workload"] = pd.array([True, True, True, False, False, None], "boolean")
    df["reason_lack_of_affinity"] = pd.array([True, False, False, False, False, None], "boolean")
    df["monitor_themes"] = [1, 2, 2, 4, 8, None]
    df["monitor_indirect"] = [1, 1, 3, 5, 5, 2]
    df["integration_policy"] = [1, 2, 3, 4, 5, 9]
    df["integration_execution"] = [2, 2, 3, 5, 5, 8]
    return sv.RESPONSES_SCHEMA.validate(df)


def test_likert_distribution_hand_computed() -> None:
    dist = sv.likert_distribution(tiny(), ["enth_college", "monitor_themes"])
    col = dist.loc["enth_college"]
    # valid answers 5, 4, 4, 2, 5 (the 8 is don't know, kept apart)
    assert (col["n_answered"], col["n_valid"], col["n_dont_know"]) == (6, 5, 1)
    assert [col[f"c{v}"] for v in range(1, 6)] == [0, 1, 0, 2, 2]
    assert col["p4"] == pytest.approx(0.4)
    assert col["median"] == 4.0 and col["top2"] == pytest.approx(0.8)
    assert col["net"] == pytest.approx(0.8 - 0.2)
    assert col["dk_share"] == pytest.approx(1 / 6)
    mon = dist.loc["monitor_themes"]
    assert (mon["n_valid"], mon["n_missing"], mon["median"]) == (4, 1, 2.0)


def test_enthusiasm_order_and_extremes() -> None:
    dist = sv.enthusiasm_distribution(tiny())
    assert dist.index[0] == "college" and dist.index[-1] == "directie"
    most, least = sv.extremes(dist.index, top=1, bottom=1)
    assert (most, least) == ("college", "directie")


def test_within_respondent_tests_match_scipy() -> None:
    rng = np.random.default_rng(5)
    n = 40
    df = pd.concat([tiny().iloc[[0]]] * n, ignore_index=True)
    df["respondent_id"] = [f"R{i:016x}" for i in range(n)]
    for j, c in enumerate(sv.ENTHUSIASM_COLS):
        df[c] = pd.array(np.clip(np.rint(2 + 0.25 * j + rng.normal(0, 1, n)), 1, 5), "Int64")
    df.loc[0, "enth_kcc"] = 8
    omni, pairs = sv.within_respondent_tests(df)
    complete = df.drop(index=0)[list(sv.ENTHUSIASM_COLS)].astype(float)
    ref = sps.friedmanchisquare(*complete.to_numpy().T)
    assert omni["n"] == n - 1 and omni["chi2"] == pytest.approx(ref.statistic)
    assert omni["w"] == pytest.approx(ref.statistic / ((n - 1) * 7))
    assert len(pairs) == 28
    row = pairs[(pairs.item_a == "enth_college") & (pairs.item_b == "enth_vakafdelingen")].iloc[0]
    wx = sps.wilcoxon(df["enth_college"].astype(float), df["enth_vakafdelingen"].astype(float))
    assert row["p"] == pytest.approx(wx.pvalue) and row["n"] == n
    assert pairs["p_holm"].max() <= 1.0 and (pairs["p_holm"] >= pairs["p"]).all()
    kcc = pairs[(pairs.item_a == "enth_kcc") | (pairs.item_b == "enth_kcc")]
    assert (kcc["n"] == n - 1).all()


def test_ordinal_model_matches_orderedmodel_and_drops_unused_levels() -> None:
    rng = np.random.default_rng(2)
    n = 60
    df = pd.concat([tiny().iloc[[0]]] * n, ignore_index=True)
    df["respondent_id"] = [f"R{i:016x}" for i in range(n)]
    for j, c in enumerate(sv.ENTHUSIASM_COLS):
        # levels 2-5 only: level 1 unused (it would give NaN thresholds if kept)
        df[c] = pd.array(np.clip(np.rint(3 + 0.2 * j + rng.normal(0, 1, n)), 2, 5), "Int64")
    table, info = sv.ordinal_model(df)
    assert info["levels"] == [2, 3, 4, 5] and info["n_clusters"] == n
    assert table["coef"].notna().all() and table["se"].notna().all()
    long = sv.enthusiasm_long(df)
    X = pd.DataFrame({f"group[{g}]": (long["group"] == g).astype(float)
                      for g in sv.GROUPS if g != "vakafdelingen"})
    y = pd.Series(pd.Categorical(long["rating"], ordered=True))
    ref = OrderedModel(y, X, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)
    got = table.set_index("term")["coef"]
    assert got["group[college]"] == pytest.approx(ref.params["group[college]"], abs=1e-3)
    # vakafdelingen (j = 7) is rated highest here, so every other group has odds ratio < 1
    slopes = table[table["term"].str.startswith("group")]
    assert (slopes["odds_ratio"] < 1).all()
    po = sv.proportional_odds_check(df)
    assert list(po.columns) == [">2", ">3", ">4"]


def test_ownership_and_reasons_hand_computed() -> None:
    own = sv.ownership_shares(tiny())
    # valid answers: 3 fully, 1 nobody (dont_know and missing left out, reported)
    assert own.loc["fully_communications", "count"] == 3
    assert own.loc["fully_communications", "n"] == 4
    assert own.loc["fully_communications", "share"] == pytest.approx(0.75)
    assert (own["n_dont_know"].iloc[0], own["n_missing"].iloc[0]) == (1, 1)
    reasons = sv.reasons_ranked(tiny())
    assert list(reasons.index[:2]) == ["fear_of_workload", "lack_of_affinity"]
    assert reasons.loc["fear_of_workload", "n"] == 5  # respondent 6 skipped the question
    assert reasons.loc["fear_of_workload", "share"] == pytest.approx(0.6)


def test_ownership_share_wilson_reference() -> None:
    df = pd.concat([tiny().iloc[[0]]] * 10, ignore_index=True)
    df["ownership"] = ["fully_communications"] * 7 + ["nobody"] * 3
    own = sv.ownership_shares(df)
    assert own.loc["fully_communications", "ci_low"] == pytest.approx(0.396778, abs=1e-6)
    assert own.loc["fully_communications", "ci_high"] == pytest.approx(0.892209, abs=1e-6)


def test_monitoring_and_reliability_hand_computed() -> None:
    mon = sv.monitoring_assessment(tiny())
    # themes: valid 1, 2, 2, 4 -> 3 of 4 insufficient; indirect: 1, 1, 3, 5, 5, 2 -> 3 of 6
    assert mon.loc["themes", "share_insufficient"] == pytest.approx(0.75)
    assert mon.loc["themes", "n_dont_know"] == 1
    assert mon.loc["indirect", "share_insufficient"] == pytest.approx(0.5)
    rel = sv.scale_reliability(tiny())
    # integration: pairs (1,2), (2,2), (3,3), (4,5), (5,5); 9 and 8 excluded
    a = np.array([1, 2, 3, 4, 5.0])
    b = np.array([2, 2, 3, 5, 5.0])
    total = np.var(a + b, ddof=1)
    alpha = 2 * (1 - (np.var(a, ddof=1) + np.var(b, ddof=1)) / total)
    assert rel.loc["integration", "n"] == 5
    assert rel.loc["integration", "alpha"] == pytest.approx(alpha)


def test_nonresponse_and_weights_hand_computed() -> None:
    munis = pd.DataFrame({
        "gm_code": [f"GM{i:04d}" for i in range(1, 11)],
        "province": ["A"] * 5 + ["B"] * 5,
        "size_class": pd.Categorical(["S"] * 8 + ["L"] * 2, categories=["S", "M", "L"],
                                     ordered=True),
    })
    df = pd.DataFrame({"gm_code": ["GM0001", "GM0002", "GM0009", "GM0010"],
                       "ownership": ["nobody", "nobody", "fully_communications",
                                     "fully_communications"]})
    tab, test = sv.nonresponse_table(df, munis)
    assert tab.loc["S", "response_rate"] == pytest.approx(2 / 8)
    assert tab.loc["L", "response_rate"] == pytest.approx(1.0)
    assert test["method"] == "fisher"
    w = sv.poststrat_weights(df, munis)
    # S: 80% of municipalities, 50% of respondents -> 1.6; L: 20% / 50% -> 0.4
    assert list(w) == pytest.approx([1.6, 1.6, 0.4, 0.4])
    assert w.mean() == pytest.approx(1.0)
    for c in sv.COLUMNS:
        if c not in df.columns:
            df[c] = pd.NA
    est = sv.weighted_estimates(df, w)
    row = est.loc["ownership_fully_communications"]
    assert row["unweighted"] == pytest.approx(0.5)
    assert row["weighted"] == pytest.approx(0.8 / 4)
    prov, _ = sv.nonresponse_table(df, munis, "province")
    assert list(prov["n_respondents"]) == [2, 2]


def test_ownership_by_size_uses_fallbacks() -> None:
    munis = register.municipalities(2014)
    df = tiny()
    table, test = sv.ownership_by_size(df, munis)
    assert int(table.to_numpy().sum()) == 4
    assert test["method"] in ("fisher", "permutation")


# --- demo calibration, measured on generated + imported data -------------------------------------


@pytest.fixture(scope="module")
def demo_years(tmp_path_factory: pytest.TempPathFactory) -> dict[int, pd.DataFrame]:
    out = {}
    for year in (2014, 2015):
        dest = tmp_path_factory.mktemp(f"demo{year}")
        munis = demo.select_municipalities(year, 1)
        ds.write_raw(munis, year, demo.rng_for(1, year, "survey"), dest, 1.0)
        df, skips = cs.load(dest, year)
        assert skips.empty
        out[year] = df
    return out


@pytest.mark.parametrize(("year", "respondents"), [(2014, 210), (2015, 224)])
def test_demo_calibration(demo_years: dict[int, pd.DataFrame], year: int,
                          respondents: int) -> None:
    df = demo_years[year]
    munis = register.municipalities(year)
    assert len(df) == respondents and df["gm_code"].is_unique
    share = sv.ownership_shares(df).loc["fully_communications", "share"]
    assert abs(share - 0.70) <= 0.04
    most, least = sv.extremes(sv.enthusiasm_distribution(df).index)
    assert most == "college;communicatie;kcc;raad"
    assert least == "directie;middenmanagement"
    reasons = sv.reasons_ranked(df)
    assert set(reasons.index[:2]) == {"lack_of_affinity", "fear_of_workload"}
    assert (sv.monitoring_assessment(df)["share_insufficient"] > 0.5).all()
    # larger municipalities respond more often, so the weights are not all 1
    nr, test = sv.nonresponse_table(df, munis)
    assert nr.loc["L", "response_rate"] > nr.loc["S", "response_rate"]
    assert test["p"] < 0.05
    assert sv.poststrat_weights(df, munis).std() > 0.05


def test_demo_personal_data_removed_and_marked(tmp_path: Path) -> None:
    import pyreadstat

    munis = demo.select_municipalities(2014, 1, sample=20)
    path = ds.write_raw(munis, 2014, demo.rng_for(1, 2014, "survey"), tmp_path, 1.0)[0]
    raw, meta = pyreadstat.read_sav(path, user_missing=True)
    assert meta.file_label.startswith("SYNTHETIC DEMO DATA")
    assert {"naam", "email", "ip_address", "toelichting"} <= set(raw.columns)
    df, _ = cs.load(tmp_path, 2014)
    assert len(df) == ds.n_respondents(2014, 20, 403) == 10
    cells = " ".join(str(v) for v in df.to_numpy().ravel())
    for col in ("naam", "email", "ip_address"):
        for value in raw[col]:
            assert value not in cells
    assert "groet" not in cells
    # byte-identical for the same seed
    again = ds.write_raw(munis, 2014, demo.rng_for(1, 2014, "survey"), tmp_path / "b", 1.0)[0]
    assert path.read_bytes() == again.read_bytes()
    # round trip through the project's table writer
    back = io.read_table("survey_responses", io.write_table(df, "survey_responses",
                                                            tmp_path / "out").parents[1])
    pd.testing.assert_frame_equal(back, df)


def test_demo_respondent_counts() -> None:
    assert ds.n_respondents(2014, 403, 403) == 210
    assert ds.n_respondents(2015, 393, 393) == 224
    assert ds.n_respondents(2020, 355, 355) == round(0.52 * 355)
    assert ds.n_respondents(2014, 6, 403) == 5
    assert ds.n_respondents(2014, 3, 403) == 3


def test_without_size_classes_tests_degrade_to_nan() -> None:
    munis = register.municipalities(2014)
    munis["size_class"] = pd.Categorical([None] * len(munis), categories=["S", "M", "L"],
                                         ordered=True)
    table, test = sv.ownership_by_size(tiny(), munis)
    assert test["method"] == "none" and np.isnan(test["p"])
    _, info = sv.ordinal_model(tiny(), munis)  # falls back to group terms only
    assert info["n_clusters"] == 6


# --- degenerate data: NA with the reason ----------------------------------------------------------
def test_alpha_of_a_scale_with_one_item_or_one_complete_respondent_is_na_with_reason() -> None:
    rel = sv.scale_reliability(tiny().drop(columns="monitor_themes"))
    mon = rel.loc["monitoring"]
    assert mon["k"] == 1 and np.isnan(mon["alpha"])
    assert mon["note"] == "NA: Cronbach's alpha needs at least two items (k=1)"
    # integration: valid pairs (1,2), (2,2), (3,3), (4,5), (5,5) -> still estimated
    assert rel.loc["integration", "note"] == "" and rel.loc["integration", "n"] == 5
    one = sv.scale_reliability(tiny().iloc[:1])
    assert one.loc["integration", "n"] == 1 and np.isnan(one.loc["integration", "alpha"])
    assert one.loc["integration", "note"] == (
        "NA: Cronbach's alpha needs at least two complete respondents (n=1)")


def test_alpha_of_items_without_variance_is_na() -> None:
    from helpers.analysis import stats

    res = stats.cronbach_alpha_or_na(pd.DataFrame({"a": [3.0, 3.0, 3.0], "b": [3.0, 3.0, 3.0]}))
    assert np.isnan(res["alpha"]) and res["n"] == 3 and res["k"] == 2
    assert res["note"] == "NA: Cronbach's alpha is not defined: the sum score has no variance"


def test_friedman_with_too_few_respondents_or_items_is_na_with_reason() -> None:
    omnibus, pairs = sv.within_respondent_tests(tiny().iloc[:1])
    assert omnibus["n"] == 1 and np.isnan(omnibus["p"]) and np.isnan(omnibus["w"])
    assert omnibus["note"] == "NA: the Friedman test needs at least two complete respondents (has 1)"
    assert len(pairs) == 28 and (pairs["n"] == 1).all()  # one pair each: Wilcoxon gives p = 1 or NaN
    two, _ = sv.within_respondent_tests(tiny(), columns=["enth_college", "enth_directie"])
    assert two["note"] == "NA: the Friedman test needs at least three items (has 2)"


def test_ordinal_model_with_fewer_respondents_than_parameters_is_na_with_reason() -> None:
    table, info = sv.ordinal_model(tiny())
    # 7 group terms + 4 thresholds (levels 1-5 used) = 11 parameters, 6 respondents
    assert table.empty and info["result"] is None and info["n_clusters"] == 6
    assert info["note"] == ("NA: too few respondents for the ordinal model (6 respondents for 11 "
                            "parameters; cluster-robust errors need more respondents than parameters)")
    assert sv.proportional_odds_check(tiny()).shape[1] == 0


def test_chi_square_with_every_respondent_in_one_size_class_is_na_with_reason() -> None:
    munis = pd.DataFrame({"gm_code": tiny()["gm_code"], "size_class": "S"})
    table, test = sv.ownership_by_size(tiny(), munis)
    assert table.loc["fully_communications", "S"] == 3 and table["M"].sum() == 0
    assert test["method"] == "none" and np.isnan(test["p"]) and test["n"] == 4
    assert test["note"] == "NA: a contingency table needs at least two non-empty rows and columns"
