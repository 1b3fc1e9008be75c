"""No survey value in any message or skip (issue 14 item 3, survey part).

A respondent can type a name, an e-mail address or an IP address into any cell: a Likert item, the
role, a multiple-choice option, the gemeente code or the respondent id. The importer describes such a
value (column, type, length, "not an answer code of item X") and never quotes it: not in the error
(error mode), not in the skips table, ``data/skips.csv`` or the tidy tables (skip mode).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.collect import collect, write_collected
from helpers.collect import survey as cs
from helpers.core import io, register
from helpers.core.errors import DataError

PLANTED = ("Hendrika van Oosterhout", "h.vanoosterhout@example.nl", "198.51.100.77",
           "2001:db8::17", "Kees de Boer <kees@example.com>")
LIKERT = ["enth_college", "enth_gemeenteraad", "enth_griffie", "enth_directie",
          "enth_middenmanagement", "enth_communicatie", "enth_kcc", "enth_vakafdelingen",
          "monitor_themas", "monitor_indirect", "beleid_onderdeel", "uitvoering_onderdeel"]
REASONS = ["reden_affiniteit", "reden_werkdruk", "reden_onbekendheid", "reden_reputatie",
           "reden_budget", "reden_anders"]
#: Every column the importer reads (identifying and free-text columns are never read).
READ = ["respondent_id", "gemeentecode", "functie", "verantwoordelijkheid", *LIKERT, *REASONS]


def export(n: int) -> pd.DataFrame:
    """``n`` valid respondents (as text, as a CSV export "as values"), with identifying columns."""
    codes = sorted(register.codes(2014))[:n]
    df = pd.DataFrame({
        "respondent_id": [str(100 + i) for i in range(n)], "gemeentecode": codes,
        "naam": ["Hendrika van Oosterhout"] * n, "email": ["h.vanoosterhout@example.nl"] * n,
        "ip_address": ["198.51.100.77"] * n, "functie": ["1"] * n,
        "verantwoordelijkheid": ["2"] * n,
        "toelichting": ["Kees de Boer <kees@example.com>"] * n,
    })
    for c in LIKERT:
        df[c] = "4"
    for c in REASONS:
        df[c] = "1"
    return df


def write(df: pd.DataFrame, folder: Path) -> Path:
    path = folder / "survey" / "export.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False)
    return path


def assert_clean(text: str) -> None:
    low = text.lower()
    for planted in PLANTED:
        assert planted.lower() not in low, planted
        # nor any telling part of it (the user part of an address, a surname)
    for part in ("oosterhout", "vanoosterhout@", "198.51.100", "db8::17", "kees@"):
        assert part not in low, part


CASES = [(col, PLANTED[i % len(PLANTED)]) for i, col in enumerate(READ)] + [
    ("gemeentecode", p) for p in PLANTED] + [("enth_kcc", p) for p in PLANTED]


@pytest.mark.parametrize(("column", "value"), CASES)
def test_error_mode_describes_the_value(tmp_path: Path, column: str, value: str) -> None:
    df = export(3)
    df.loc[1, column] = value
    write(df, tmp_path)
    if column == "respondent_id":  # any text is a valid id; it is pseudonymised
        out, _ = cs.load(tmp_path, 2014)
        assert_clean(pd.concat([out.astype(str)]).to_csv())
        return
    with pytest.raises(DataError) as err:
        cs.load(tmp_path, 2014)
    assert (err.value.row, err.value.column) == (2, column)
    assert_clean(str(err.value))
    assert "characters" in err.value.rule  # the value is described: its type and length


def test_duplicate_id_holding_an_address_is_not_quoted(tmp_path: Path) -> None:
    df = export(3)
    df.loc[[0, 2], "respondent_id"] = "h.vanoosterhout@example.nl"
    write(df, tmp_path)
    with pytest.raises(DataError) as err:
        cs.load(tmp_path, 2014)
    assert (err.value.row, err.value.column) == (3, "respondent_id")
    assert "export.csv row 1" in err.value.rule
    assert_clean(str(err.value))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_skip_mode_planted_in_every_column(tmp_path: Path, kind: str) -> None:
    """One planted value per row, in every column read; then through collect + write_collected."""
    columns = [c for c in READ if c != "respondent_id"]
    df = export(len(columns) + 2)
    for i, col in enumerate(columns):
        df.loc[i, col] = PLANTED[i % len(PLANTED)]
    df.loc[len(columns), "respondent_id"] = "198.51.100.77"  # valid, pseudonymised
    df.loc[len(columns) + 1, "respondent_id"] = "198.51.100.77"  # a duplicate: skipped
    inputs = tmp_path / "inputs"
    if kind == "csv":
        write(df, inputs)
    else:
        (inputs / "survey").mkdir(parents=True)
        df.to_excel(inputs / "survey" / "export.xlsx", index=False)
    out, skips = cs.load(inputs, 2014, on_bad="skip")
    assert len(skips) == len(columns) + 1
    assert list(skips["row"]) == [*range(1, len(columns) + 1), len(columns) + 2]
    assert list(skips["column"]) == [*columns, "respondent_id"]
    assert len(out) == 1
    assert_clean(skips.to_csv() + out.astype(str).to_csv())
    collected = collect(2014, inputs, sources=("survey",), on_bad="skip")
    year = tmp_path / "2014"
    write_collected(collected, year)
    assert_clean((year / "data" / "skips.csv").read_text(encoding="utf-8"))
    tidy = io.read_table("survey_responses", year)
    assert_clean(tidy.astype(str).to_csv() + str(tidy.attrs))
    for path in year.rglob("*"):  # text files in full, Parquet as far as stored uncompressed
        if path.is_file():
            assert_clean(path.read_bytes().decode("utf-8", errors="replace"))
