"""Importer of survey exports (helpers.collect.survey): formats, personal data, bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from helpers.collect import survey as cs
from helpers.core.errors import DataError

FIXTURES = Path(__file__).parent / "fixtures" / "survey"
PLANTED = ("Jozefien Plantinga", "jozefien.plantinga@example.org", "203.0.113.77",
           "Fixture Persoon", "fixture.persoon@example.org", "192.0.2.44", "vriendelijke groet")
LIKERT = ["enth_college", "enth_gemeenteraad", "enth_griffie", "enth_directie",
          "enth_middenmanagement", "enth_communicatie", "enth_kcc", "enth_vakafdelingen",
          "monitor_themas", "monitor_indirect", "beleid_onderdeel", "uitvoering_onderdeel"]
REASONS = ["reden_affiniteit", "reden_werkdruk", "reden_onbekendheid", "reden_reputatie",
           "reden_budget", "reden_anders"]


def raw_export() -> pd.DataFrame:
    """Three respondents in the export's coded form, with planted personal data."""
    df = pd.DataFrame({
        "respondent_id": [501.0, 502.0, 503.0],
        "startdatum": ["2014-05-02 10:00", "2014-05-03 11:00", "2014-05-04 12:00"],
        "gemeentecode": ["GM0344", "GM0363", "GM1924"],
        "naam": ["Jozefien Plantinga", "A. Ander", "B. Bee"],
        "email": ["jozefien.plantinga@example.org", "a@example.org", "b@example.org"],
        "ip_address": ["203.0.113.77", "203.0.113.78", "203.0.113.79"],
        "functie": [1.0, 3.0, 6.0],
        "verantwoordelijkheid": [1.0, 8.0, 2.0],
        "reden_anders_tekst": ["Jozefien Plantinga vindt het eng", "", ""],
        "toelichting": ["Met vriendelijke groet, Jozefien Plantinga (203.0.113.77)", "", ""],
    })
    codes = {c: [4.0, 8.0, 1.0] for c in LIKERT}
    codes["enth_directie"] = [2.0, 5.0, 8.0]
    codes["beleid_onderdeel"] = [9.0, 3.0, np.nan]
    reasons = {c: [1.0, 0.0, np.nan] for c in REASONS}
    reasons["reden_werkdruk"] = [1.0, 1.0, np.nan]
    return pd.concat([df, pd.DataFrame(codes), pd.DataFrame(reasons)], axis=1)


def write(df: pd.DataFrame, folder: Path, kind: str, name: str = "export") -> Path:
    path = folder / "survey" / f"{name}.{kind}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "sav":
        pyreadstat.write_sav(df, path, missing_ranges={c: [8, 9] for c in LIKERT},
                             variable_value_labels={c: {8.0: "weet niet", 9.0: "n.v.t."}
                                                    for c in LIKERT})
    elif kind == "csv":
        df.to_csv(path, index=False)
    else:
        df.to_excel(path, index=False)
    return path


def assert_no_personal_data(df: pd.DataFrame) -> None:
    text = " ".join(map(str, df.columns)).lower()
    assert not any(w in text for w in ("naam", "email", "ip_address", "toelichting", "tekst"))
    cells = " ".join(str(v) for v in df.to_numpy().ravel()).lower()
    for planted in PLANTED:
        assert planted.lower() not in cells
        assert planted.lower() not in text


@pytest.mark.parametrize("kind", ["sav", "csv", "xlsx"])
def test_import_formats_and_personal_data(tmp_path: Path, kind: str) -> None:
    write(raw_export(), tmp_path, kind)
    df, skips = cs.load(tmp_path, 2014)
    assert skips.empty
    assert_no_personal_data(df)
    assert list(df["gm_code"]) == ["GM0344", "GM0363", "GM1924"]
    r = df.set_index("gm_code")
    # don't know (8) and n.v.t. (9) stay codes of their own, also from SPSS user-missing values
    assert r.loc["GM0344", "enth_college"] == 4 and r.loc["GM0363", "enth_college"] == 8
    assert r.loc["GM0363", "enth_directie"] == 5 and pd.isna(r.loc["GM1924", "enth_directie"]) \
        is False and r.loc["GM1924", "enth_directie"] == 8
    assert r.loc["GM0344", "integration_policy"] == 9
    assert pd.isna(r.loc["GM1924", "integration_policy"])
    assert r.loc["GM0344", "ownership"] == "fully_communications"
    assert r.loc["GM0363", "ownership"] == "dont_know"
    assert r.loc["GM1924", "ownership"] == "communications_with_others"
    assert list(r.loc["GM0344", ["role"]]) == ["communicatie"]
    assert bool(r.loc["GM0344", "reason_lack_of_affinity"]) is True
    assert bool(r.loc["GM0363", "reason_lack_of_affinity"]) is False
    assert bool(r.loc["GM0363", "reason_fear_of_workload"]) is True
    assert pd.isna(r.loc["GM1924", "reason_no_budget"])
    assert (df["year"] == 2014).all()
    assert df["respondent_id"].str.match(r"^R[0-9a-f]{16}$").all()
    assert df["respondent_id"].iloc[0] == cs.pseudonym(2014, 501)
    assert str(df["enth_college"].dtype) == "Int64"


def test_sav_default_reader_would_lose_dont_know(tmp_path: Path) -> None:
    """The trap the importer avoids: pyreadstat's default turns user-missing 8 into NaN."""
    path = write(raw_export(), tmp_path, "sav")
    naive, _ = pyreadstat.read_sav(path)
    assert pd.isna(naive.loc[1, "enth_college"])
    df, _ = cs.load(tmp_path, 2014)
    assert (df["enth_college"] == 8).sum() == 1


def test_labelled_csv_fixture(tmp_path: Path) -> None:
    """A semicolon CSV exported "as text" (labels, not codes), with personal data, as in FIXTURES."""
    shutil.copytree(FIXTURES, tmp_path / "survey")
    df, skips = cs.load(tmp_path, 2014)
    assert skips.empty
    assert_no_personal_data(df)
    r = df.set_index("gm_code")
    assert list(r.loc["GM0344", ["enth_college", "enth_raad", "enth_griffie", "enth_directie",
                                 "enth_middenmanagement", "enth_communicatie", "enth_kcc",
                                 "enth_vakafdelingen"]]) == [5, 4, 8, 3, 2, 5, 4, 3]
    assert list(r.loc["GM0717", ["monitor_themes", "monitor_indirect", "integration_policy",
                                 "integration_execution"]]) == [3, 8, 9, 1]
    assert r.loc["GM0717", "role"] == "kcc"
    assert r.loc["GM0717", "ownership"] == "spread_over_departments"
    assert r.loc["GM1924", "ownership"] == "dont_know"
    reasons = [c for c in df.columns if c.startswith("reason_")]
    assert r.loc["GM0344", reasons].tolist() == [True, True, False, False, False, False]
    assert r.loc["GM0717", reasons].tolist() == [False, True, False, True, False, False]
    assert r.loc["GM1924", reasons].isna().all()
    assert pd.isna(r.loc["GM1924", "monitor_themes"])


def test_salt_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(raw_export(), tmp_path, "csv")
    default, _ = cs.load(tmp_path, 2014)
    monkeypatch.setenv(cs.SALT_ENV, "a-secret-salt")
    salted, _ = cs.load(tmp_path, 2014)
    assert salted["respondent_id"].iloc[0] == cs.pseudonym(2014, 501, "a-secret-salt")
    assert not set(default["respondent_id"]) & set(salted["respondent_id"])


def _bad_cases() -> list[tuple[str, pd.DataFrame, int | None, str, str]]:
    """(name, export, row, column, words in the rule)."""
    cases = []
    df = raw_export()
    df.loc[1, "enth_kcc"] = 6.0
    cases.append(("outside_scale", df, 2, "enth_kcc", "outside the scale"))
    df = raw_export()
    df["enth_wethouders"] = [3.0, 4.0, 5.0]
    cases.append(("unknown_group", df, None, "enth_wethouders", "unknown column"))
    df = raw_export()
    df.loc[2, "respondent_id"] = 501.0
    cases.append(("duplicate_id", df, 3, "respondent_id", "duplicate respondent id"))
    df = raw_export()
    df.loc[2, "gemeentecode"] = "GM0344"
    cases.append(("two_per_municipality", df, 3, "gemeentecode", "second respondent"))
    df = raw_export()
    df.loc[1, "gemeentecode"] = "GM0504"  # Dirksland, part of Goeree-Overflakkee since 2013
    cases.append(("invalid_code", df, 2, "gemeentecode", "GM1924"))
    df = raw_export()
    df.loc[0, "verantwoordelijkheid"] = 7.0
    cases.append(("single_outside", df, 1, "verantwoordelijkheid", "outside the scale"))
    df = raw_export()
    df.loc[2, "reden_budget"] = 2.0
    cases.append(("multi_outside", df, 3, "reden_budget", "outside the scale"))
    return cases


@pytest.mark.parametrize("case", _bad_cases(), ids=lambda c: c[0])
def test_bad_input_error_and_skip(tmp_path: Path, case: tuple) -> None:
    name, df, row, column, words = case
    path = write(df, tmp_path, "csv")
    with pytest.raises(DataError) as err:
        cs.load(tmp_path, 2014)
    e = err.value
    assert e.file == str(path)
    assert (e.row, e.column) == (row, column)
    assert words in e.rule
    out, skips = cs.load(tmp_path, 2014, on_bad="skip")
    assert len(skips) == 1
    assert skips.iloc[0]["column"] == column
    assert (pd.isna(skips.iloc[0]["row"]) if row is None else skips.iloc[0]["row"] == row)
    assert len(out) == (3 if row is None else 2)
    assert "enth_wethouders" not in out.columns
    assert_no_personal_data(out)


def test_two_respondents_allowed_when_not_one_per_municipality(tmp_path: Path) -> None:
    df = raw_export()
    df.loc[2, "gemeentecode"] = "344"
    write(df, tmp_path, "csv")
    out, _ = cs.load(tmp_path, 2014, one_per_municipality=False)
    assert (out["gm_code"] == "GM0344").sum() == 2


def test_duplicate_across_files_and_missing_folder(tmp_path: Path) -> None:
    write(raw_export(), tmp_path, "csv", "a")
    write(raw_export().iloc[[0]], tmp_path, "xlsx", "b")
    with pytest.raises(DataError, match="duplicate respondent id") as err:
        cs.load(tmp_path, 2014)
    assert err.value.file.endswith("b.xlsx") and err.value.row == 1
    with pytest.raises(DataError, match="no survey export"):
        cs.load(tmp_path / "nowhere", 2014)
    with pytest.raises(ValueError, match="on_bad"):
        cs.load(tmp_path, 2014, on_bad="ignore")


def test_missing_required_column(tmp_path: Path) -> None:
    write(raw_export().drop(columns="gemeentecode"), tmp_path, "csv")
    with pytest.raises(DataError, match="required column 'gm_code'"):
        cs.load(tmp_path, 2014, on_bad="skip")


def test_gm_code_normalisation() -> None:
    assert cs.normalise_gm_code("gm0344") == "GM0344"
    assert cs.normalise_gm_code(344.0) == "GM0344"
    assert cs.normalise_gm_code("0344") == "GM0344"
    assert cs.normalise_gm_code("Utrecht") is None
    assert cs.normalise_gm_code(np.nan) is None


def test_survey_folder_itself_is_accepted(tmp_path: Path) -> None:
    write(raw_export(), tmp_path, "csv")
    via_parent, _ = cs.load(tmp_path, 2014)
    via_folder, _ = cs.load(tmp_path / "survey", 2014)
    pd.testing.assert_frame_equal(via_parent, via_folder)


def test_wrong_encoding_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "survey" / "export.csv"
    path.parent.mkdir(parents=True)
    text = (FIXTURES / "export_labels.csv").read_text(encoding="utf-8").replace("anders", "andérs")
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(DataError, match="not UTF-8") as err:
        cs.load(tmp_path, 2014)
    assert err.value.file == str(path)
