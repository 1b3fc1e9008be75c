"""A survey export as it comes (issue 13 item 4): a codebook beside the export, SPSS labels checked
against it, identifying names known out of the box, and ``roeptoeter codebook draft``.

The exports here are written by hand in the formats of the platforms (LimeSurvey CSV "answer codes"
and "full answers", SPSS .sav written with pyreadstat), not by the demo generator.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pandera.errors
import pyreadstat
import pytest
import yaml

from helpers.analysis import survey as sv
from helpers.cli import main
from helpers.collect import codebook as cbm
from helpers.collect import survey as cs
from helpers.core import io
from helpers.core.errors import DataError

DROPIN = Path(__file__).parent / "fixtures" / "dropin" / "2016"
#: Personal data planted in the drop-in export (token, ipaddr, refurl, free text).
DROPIN_PLANTED = ("Marieke de Vries", "marieke.devries@example.nl", "198.51.100.23", "tk7Qm2xPa9",
                  "Pieter Bakker", "06-12345678", "J. Jansen", "j.jansen@example.org",
                  "vlissingen.example/nieuws", "192.0.2.201")


def text_of(df: pd.DataFrame) -> str:
    return (" ".join(map(str, df.columns)) + " " +
            " ".join(str(v) for v in df.to_numpy().ravel())).lower()


# --- the drop-in year's LimeSurvey export and its codebook ------------------------------------------
@pytest.fixture(scope="module")
def dropin() -> pd.DataFrame:
    df, skips = cs.load(DROPIN, 2016)
    assert skips.empty
    return df


def test_dropin_mapping_and_recoding(dropin: pd.DataFrame) -> None:
    r = dropin.set_index("gm_code")
    assert list(r.index) == ["GM0344", "GM0363", "GM0677", "GM0718", "GM1924"]
    # rol: export 3 = anders -> other, 4 = management; 1, 2 as ours
    assert dropin["role"].value_counts().to_dict() == {
        "communicatie": 2, "kcc": 1, "other": 1, "management": 1}
    assert r.loc["GM0677", "role"] == "other" and r.loc["GM0718", "role"] == "management"
    # 9 = "weet niet" in the export -> our 8 on enthusiasm, monitoring and ownership
    assert list(r["enth_griffie"]) == [3, 8, 4, 2, 8]
    assert r.loc["GM0718", "enth_vakafdelingen"] == 8
    assert list(r["ownership"]) == ["fully_communications", "fully_communications", "dont_know",
                                    "fully_communications", "communications_with_others"]
    # integration keeps the shipped codes: 9 = n.v.t.
    assert r.loc["GM1924", "integration_execution"] == 9
    # LimeSurvey's "Y" = chosen; the "other" box (reden[other]) is free text and never read
    assert r["reason_fear_of_workload"].tolist() == [True, False, True, True, True]
    assert r["reason_other"].isna().all()
    # the extra monitoring item is a column of its own, after the shipped ones
    assert list(r["monitor_complaints"]) == [4, 5, 2, 1, 3]
    assert dropin.columns[-1] == "monitor_complaints"


def test_dropin_has_no_personal_data(dropin: pd.DataFrame) -> None:
    text = text_of(dropin)
    for planted in DROPIN_PLANTED:
        assert planted.lower() not in text
    for col in ("token", "ipaddr", "refurl", "opmerkingen", "reden[other]", "submitdate", "seed"):
        assert col not in dropin.columns


def test_dropin_figures_by_hand(dropin: pd.DataFrame, tmp_path: Path) -> None:
    """n per role, a don't-know share, alpha with the extra item and ownership, by hand."""
    # the table keeps its codebook through Parquet, so the analyses see the extra item after 01
    io.write_table(dropin, "survey_responses", tmp_path)
    back = io.read_table("survey_responses", tmp_path)
    assert sv.reliability_scales(sv.codebook_of(back))["monitoring"] == [
        "monitor_themes", "monitor_indirect", "monitor_complaints"]
    # don't-know share of the griffie item: 2 of 5 answers
    dist = sv.likert_distribution(back, ["enth_griffie"]).loc["enth_griffie"]
    assert (dist["n_answered"], dist["n_valid"], dist["n_dont_know"]) == (5, 3, 2)
    assert dist["dk_share"] == pytest.approx(0.4)
    # Cronbach's alpha of the three monitoring items on the four complete respondents
    # (GM0677 answered "weet niet" on indirect): themes 4 5 2 2, indirect 3 4 2 1, complaints
    # 4 5 3 1; item variances 27/12, 20/12, 35/12 (sum 41/6), totals 11 14 7 4 with variance
    # 116/6; alpha = 3/2 * (1 - 41/116) = 112.5/116.
    rel = sv.scale_reliability(back)
    assert rel.loc["monitoring", "k"] == 3 and rel.loc["monitoring", "n"] == 4
    assert rel.loc["monitoring", "alpha"] == pytest.approx(112.5 / 116, abs=1e-12)
    assert rel.loc["monitoring", "items"] == "monitor_themes;monitor_indirect;monitor_complaints"
    # with the shipped codebook the scale has its two items only, and another alpha
    two = sv.scale_reliability(back, codebook=sv.load_codebook())
    assert two.loc["monitoring", "k"] == 2
    assert two.loc["monitoring", "alpha"] != pytest.approx(rel.loc["monitoring", "alpha"])
    # monitoring summary with the extra item: complaints 4 5 2 1 3 -> 2 of 5 insufficient
    mon = sv.monitoring_assessment(back)
    assert list(mon.index) == ["themes", "indirect", "complaints"]
    assert mon.loc["complaints", "share_insufficient"] == pytest.approx(2 / 5)
    assert (mon.loc["indirect", "n_valid"], mon.loc["indirect", "n_dont_know"]) == (4, 1)
    assert mon.loc["indirect", "share_insufficient"] == pytest.approx(2 / 4)
    # ownership: 3 of 4 valid answers "fully communications", 1 don't know; Wilson by hand
    own = sv.ownership_shares(back).loc["fully_communications"]
    assert (own["count"], own["n"], own["n_dont_know"]) == (3, 4, 1)
    z, p, n = 1.959963984540054, 0.75, 4
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert own["share"] == pytest.approx(0.75)
    assert (own["ci_low"], own["ci_high"]) == pytest.approx((centre - half, centre + half))
    # reasons: fear of workload named by 4 of the 5 respondents who answered the question
    reasons = sv.reasons_ranked(back)
    assert (reasons.loc["fear_of_workload", "count"], reasons.loc["fear_of_workload", "n"]) == (4, 5)
    assert reasons.loc["lack_of_affinity", "count"] == 3
    est = sv.weighted_estimates(back, pd.Series(1.0, index=back.index))
    assert est.loc["monitor_complaints_insufficient", "unweighted"] == pytest.approx(0.4)


# --- a LimeSurvey export "as full answers" -------------------------------------------------------
LIMESURVEY_TEXT = (
    '"id","token","ipaddr","startlanguage","Gemeente","Rol","Enthousiasme [College]",'
    '"Enthousiasme [KCC]","Redenen [Werkdruk]","Redenen [Anders]","Opmerkingen"\n'
    '"7","ab12cd","203.0.113.5","nl","Utrecht (0344)","Communicatieadviseur / woordvoerder",'
    '"Zeer enthousiast","Weet niet / geen mening","Ja","","Groet, Anna Smit"\n'
    '"8","ef34gh","203.0.113.6","nl","Hulst (0677)","Anders, namelijk","Neutraal","Enthousiast",'
    '"","Geen tijd, zegt Kees","anna.smit@example.org"\n'
)
LIMESURVEY_CODEBOOK = """
questions:
  - id: gm_code
    raw: [Gemeente]
  - id: role
    raw: [Rol]
    aliases: {6: ["anders, namelijk"]}
  - id: enthusiasm
    recode: {"weet niet / geen mening": dont_know}
    items:
      - {key: college, raw: ["Enthousiasme [College]"]}
      - {key: kcc, raw: ["Enthousiasme [KCC]"]}
  - id: reasons
    items:
      - {key: fear_of_workload, raw: ["Redenen [Werkdruk]"]}
  - id: reasons_other_text
    type: text
    raw: ["Redenen [Anders]"]
"""


def test_limesurvey_full_answers(tmp_path: Path) -> None:
    """Labels instead of codes, question texts with spaces, a gemeente list answer "Name (code)"
    that the codebook cannot read: the error describes the cell and never quotes it."""
    folder = tmp_path / "survey"
    folder.mkdir()
    (folder / "results-survey584713.csv").write_text(LIMESURVEY_TEXT, encoding="utf-8")
    (folder / "codebook.yaml").write_text(LIMESURVEY_CODEBOOK, encoding="utf-8")
    with pytest.raises(DataError) as err:
        cs.load(tmp_path, 2016)
    assert err.value.column == "Gemeente" and err.value.row == 1
    assert "text of 14 characters" in err.value.rule and "Utrecht" not in str(err.value)
    text = LIMESURVEY_TEXT.replace("Utrecht (0344)", "0344").replace("Hulst (0677)", "GM0677")
    (folder / "results-survey584713.csv").write_text(text, encoding="utf-8")
    df, skips = cs.load(tmp_path, 2016)
    assert skips.empty
    r = df.set_index("gm_code")
    assert list(r["role"]) == ["communicatie", "other"]  # "Anders, namelijk" via the alias
    assert list(r["enth_college"]) == [5, 3]
    assert list(r["enth_kcc"]) == [8, 4]  # recoded by its label
    # the only option column is empty in row 2: the question is unanswered there (NA), not "no"
    assert bool(r["reason_fear_of_workload"].iloc[0]) is True
    assert pd.isna(r["reason_fear_of_workload"].iloc[1])
    assert r["enth_raad"].isna().all()  # not asked in this export
    for planted in ("ab12cd", "203.0.113.5", "Anna Smit", "Kees", "anna.smit@example.org"):
        assert planted.lower() not in text_of(df)


# --- SPSS value labels against the codebook ---------------------------------------------------------
def sav_export(folder: Path, role_labels: dict[float, str]) -> Path:
    df = pd.DataFrame({
        "respondent_id": [1.0, 2.0, 3.0], "gemeentecode": ["GM0344", "GM0363", "GM1924"],
        "email": ["a@example.org", "b@example.org", "c@example.org"],
        "functie": [1.0, 3.0, 2.0], "enth_college": [4.0, 9.0, 5.0],
    })
    path = folder / "survey" / "export.sav"
    path.parent.mkdir(parents=True, exist_ok=True)
    pyreadstat.write_sav(df, path, variable_value_labels={
        "functie": role_labels,
        "enth_college": {1.0: "Zeer onenthousiast", 5.0: "Zeer enthousiast", 9.0: "Weet niet"}})
    return path


ROLE_LABELS = {1.0: "communicatieadviseur / woordvoerder", 2.0: "Medewerker KCC", 3.0: "anders"}


def test_sav_label_contradicting_the_codebook(tmp_path: Path) -> None:
    path = sav_export(tmp_path, ROLE_LABELS)
    with pytest.raises(DataError) as err:
        cs.load(tmp_path, 2014)
    e = err.value
    assert (e.file, e.row, e.column) == (str(path), None, "functie")
    assert "code 3 of item role is 'anders' (which is the codebook's answer 6 (other))" in e.rule
    assert "'directie of management' (management)" in e.rule
    # skip mode: the column is left out (one skip), the rest is read
    df, skips = cs.load(tmp_path, 2014, on_bad="skip")
    assert len(skips) == 1 and skips.iloc[0]["column"] == "functie"
    assert df["role"].isna().all() and len(df) == 3
    # the recode in a codebook beside the export resolves it: 3 is "other"
    (tmp_path / "survey" / "codebook.yaml").write_text(
        "questions:\n  - {id: role, recode: {3: other}}\n", encoding="utf-8")
    df, skips = cs.load(tmp_path, 2014)
    assert skips.empty
    assert list(df.set_index("gm_code")["role"]) == ["communicatie", "other", "kcc"]
    # SAV 9 = "Weet niet" on an item whose 9 is not an answer: read as don't know (8) by its label
    assert list(df.set_index("gm_code")["enth_college"]) == [4, 8, 5]


def test_sav_labels_that_agree_and_an_alias(tmp_path: Path) -> None:
    sav_export(tmp_path, {**ROLE_LABELS, 3.0: "Directie / management", 2.0: "2"})
    with pytest.raises(DataError, match="'Directie / management' .which names no answer"):
        cs.load(tmp_path, 2014)
    (tmp_path / "survey" / "codebook.yml").write_text(
        "questions:\n  - {id: role, aliases: {3: ['Directie / management']}}\n", encoding="utf-8")
    df, _ = cs.load(tmp_path, 2014)
    assert df.set_index("gm_code").loc["GM0363", "role"] == "management"


# --- columns ------------------------------------------------------------------------------------------
def small_csv(folder: Path, extra: dict[str, list[str]] | None = None) -> Path:
    df = pd.DataFrame({"respondent_id": ["1", "2"], "gemeentecode": ["GM0344", "GM0363"],
                       "functie": ["1", "2"], "enth_college": ["4", "8"], **(extra or {})})
    path = folder / "survey" / "export.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False)
    return path


def test_all_unknown_columns_in_one_message(tmp_path: Path) -> None:
    small_csv(tmp_path, {"Q7[SQ001]": ["1", "2"], "groupTime12": ["3", "4"], "wijk": ["x", "y"]})
    with pytest.raises(DataError) as err:
        cs.load(tmp_path, 2014)
    assert err.value.column == "Q7[SQ001]"
    assert err.value.rule.startswith("3 unknown columns")
    assert err.value.rule.endswith(": Q7[SQ001], groupTime12, wijk")
    df, skips = cs.load(tmp_path, 2014, on_bad="skip")
    assert list(skips["column"]) == ["Q7[SQ001]", "groupTime12", "wijk"]
    assert len(df) == 2


@pytest.mark.parametrize("name", ["ipaddr", "IP", "IPAddress", "IP-adres", "E-mail", "emailadres",
                                  "Naam", "name", "Voornaam", "achternaam", "token", "refurl",
                                  "Telefoon", "phone", "startlanguage", "submitdate", "lastpage",
                                  "seed"])
def test_identifying_and_platform_names_known_out_of_the_box(tmp_path: Path, name: str) -> None:
    small_csv(tmp_path, {name: ["Jan Jansen jan@example.org", "198.51.100.1"]})
    df, skips = cs.load(tmp_path, 2014)
    assert skips.empty and name not in df.columns
    assert "jansen" not in text_of(df) and "198.51.100.1" not in text_of(df)


def test_local_raw_name_wins_and_identifying_list(tmp_path: Path) -> None:
    """The local codebook moves a shipped name to another item and declares an identifying one."""
    small_csv(tmp_path, {"enth_directie": ["2", "3"], "medewerker": ["Jan", "Piet"]})
    (tmp_path / "survey" / "codebook.yaml").write_text(
        "questions:\n  - id: enthusiasm\n    items:\n"
        "      - {key: middenmanagement, raw: [enth_directie]}\n"
        "identifying: [medewerker]\n", encoding="utf-8")
    df, _ = cs.load(tmp_path, 2014)
    assert list(df["enth_middenmanagement"]) == [2, 3]
    assert df["enth_directie"].isna().all()
    assert "jan" not in text_of(df)


@pytest.mark.parametrize(("text", "column", "words"), [
    ("questions:\n  - {id: satisfaction, type: likert5, raw: [tevreden]}\n",
     "questions[satisfaction]", "not new coded questions"),
    ("questions:\n  - {id: enthusiasm, recode: {9: 7}}\n", "questions[enthusiasm]",
     "recode target 7 of questions[enthusiasm] is not an answer"),
    ("questions:\n  - {id: monitoring, items: [{key: complaints}]}\n",
     "questions[monitoring].items[complaints]", "needs raw"),
    ("questions:\n  - {id: role, rename: x}\n", "questions[role]", "unknown field(s) rename"),
    ("sections: []\n", "the codebook", "unknown field(s) sections"),
    ("questions:\n  - {id: reasons, recode: {1: 0}}\n", "questions[reasons]",
     "recode is for coded questions"),
    ("questions:\n  - {id: role, raw: [x1]}\n  - {id: ownership, raw: [X1]}\n", "X1",
     "mapped twice"),
])
def test_bad_local_codebook(tmp_path: Path, text: str, column: str, words: str) -> None:
    small_csv(tmp_path)
    path = tmp_path / "survey" / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        cs.load(tmp_path, 2014, on_bad="skip")
    assert err.value.file == str(path)
    assert err.value.column == column
    assert words in err.value.rule


SCHEMA_ERRORS = (pandera.errors.SchemaError, pandera.errors.SchemaErrors)


def test_schema_takes_extra_items_only_of_grid_questions() -> None:
    base = cs.load(DROPIN, 2016)[0]
    sv.RESPONSES_SCHEMA.validate(base)
    with pytest.raises(SCHEMA_ERRORS, match="wijk_x"):
        sv.RESPONSES_SCHEMA.validate(base.assign(wijk_x=1))
    with pytest.raises(SCHEMA_ERRORS, match="isin"):  # 7 is not a Likert code
        sv.RESPONSES_SCHEMA.validate(base.assign(monitor_complaints=7))


# --- roeptoeter codebook draft ------------------------------------------------------------------------
def test_draft_from_limesurvey_csv(tmp_path: Path) -> None:
    export = tmp_path / "export_2016.csv"
    shutil.copy(DROPIN / "survey" / "export_2016.csv", export)
    assert main(["codebook", "draft", str(export)]) == 0
    out = tmp_path / "codebook.yaml"
    text = out.read_text(encoding="utf-8")
    for planted in DROPIN_PLANTED:
        assert planted.lower() not in text.lower()
    draft = yaml.safe_load(text)
    by_id = {q["id"]: q for q in draft["questions"]}
    assert {"key": "college", "raw": ["enthousiasme[college]"]} in by_id["enthusiasm"]["items"]
    assert {"key": "policy", "raw": ["integratie[beleid]"]} in by_id["integration"]["items"]
    assert by_id["ownership"]["raw"] == ["verantw"]
    assert "reden[other]" in by_id["free_text_of_export"]["raw"]
    assert draft["identifying"] == ["token", "ipaddr", "refurl"]
    assert "interviewtime" in draft["ignored"]
    assert 'TODO "monitoring[klachten]" fits monitoring' in text
    # refuses to overwrite without --force
    out.write_text("# reviewed\n", encoding="utf-8")
    assert main(["codebook", "draft", str(export)]) == 2
    assert out.read_text(encoding="utf-8") == "# reviewed\n"
    assert main(["codebook", "draft", str(export), "--force", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == text
    # the draft is a valid local codebook: it merges without error
    cbm.merge(sv.load_codebook(), draft, str(out))


def test_draft_from_sav_proposes_recodes_from_labels(tmp_path: Path) -> None:
    path = sav_export(tmp_path, ROLE_LABELS)
    out = cbm.draft(path, tmp_path / "draft.yaml")
    text = out.read_text(encoding="utf-8")
    assert "@example.org" not in text
    draft = yaml.safe_load(text)
    by_id = {q["id"]: q for q in draft["questions"]}
    assert by_id["role"]["recode"] == {"3": "other"}
    assert by_id["enthusiasm"]["recode"] == {"9": "dont_know"}
    assert draft["identifying"] == ["email"]
    # with the draft beside the export, the export imports
    shutil.copy(out, tmp_path / "survey" / "codebook.yaml")
    df, skips = cs.load(tmp_path, 2014)
    assert skips.empty and list(df["role"]) == ["communicatie", "other", "kcc"]


def test_draft_of_a_missing_export(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such export file"):
        cbm.draft(tmp_path / "nope.csv")


def test_draft_from_xlsx_reads_the_header_only(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    pd.DataFrame({"Respondent ID": ["1"], "E-mail": ["p.bakker@example.org"], "Gemeente": ["0344"],
                  "enth_kcc": ["4"], "Q9": ["Piet Bakker"]}).to_excel(path, index=False)
    text = cbm.draft(path).read_text(encoding="utf-8")
    assert "bakker" not in text.lower()
    draft = yaml.safe_load(text)
    assert draft["identifying"] == ["E-mail"]
    assert draft["questions"] is None  # every other name is shipped or unknown
    assert '#   - "Q9"' in text


def test_codebook_of_a_table_without_its_codebook(dropin: pd.DataFrame) -> None:
    """A table that lost its codebook (built by hand): extra item columns still join their scale."""
    bare = dropin.copy()
    bare.attrs = {}
    cb = sv.codebook_of(bare)
    assert sv.scale_columns(cb, "monitoring")[-1] == "monitor_complaints"
    assert sv.scale_reliability(bare).loc["monitoring", "alpha"] == pytest.approx(112.5 / 116)
    shipped = sv.codebook_of(bare.drop(columns="monitor_complaints"))
    assert sv.reliability_scales(shipped)["monitoring"] == ["monitor_themes", "monitor_indirect"]
