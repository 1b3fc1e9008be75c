"""The municipality register: counts per year, successors, harmonization, population and size classes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.core import register
from helpers.core.errors import DataError

COUNTS = {2013: 408, 2014: 403, 2015: 393, 2016: 390, 2017: 388, 2018: 380, 2019: 355, 2020: 355,
          2021: 352, 2022: 345, 2023: 342, 2024: 342, 2025: 342, 2026: 342}


@pytest.mark.parametrize(("year", "count"), sorted(COUNTS.items()))
def test_counts_on_1_january(year, count):
    assert len(register.municipalities(year)) == count


def test_goeree_overflakkee_exists_from_2013_and_weesp_is_in_2022():
    assert "GM1924" in register.codes(2013)
    assert "GM1924" not in register.codes(2012)
    assert "GM0457" in register.codes(2022)  # Weesp ended 2022-03-24, after 1 January
    assert "GM0457" not in register.codes(2023)


def test_successor_follows_mergers_and_renames():
    assert register.successor("GM0344", 2025) == "GM0344"  # Utrecht unchanged
    assert register.successor("GM0457", 2023) == "GM0363"  # Weesp -> Amsterdam
    # Boarnsterhim (split 2014) -> De Friese Meren -> renamed De Fryske Marren (2015-07-01)
    assert register.successor("GM0055", 2014) == "GM1921"
    assert register.successor("GM0055", 2016) == "GM1940"
    assert register.chain_has_split("GM0055", 2016)
    assert not register.chain_has_split("GM0457", 2023)


def test_successor_rejects_unknown_and_future_codes():
    with pytest.raises(KeyError, match="not a CBS municipality code"):
        register.successor("GM9999", 2014)
    with pytest.raises(KeyError, match="no successor"):
        register.successor("GM1961", 2014)  # Vijfheerenlanden was formed in 2019


def test_harmonize_2014_onto_2025_maps_all_403_onto_exactly_342():
    munis = register.municipalities(2014)
    frame = munis[["gm_code", "population"]].assign(one=1)
    out = register.harmonize(frame, 2025, how="sum")
    assert len(out) == 342
    assert set(out["gm_code"]) == set(register.codes(2025))
    assert out["one"].sum() == 403
    assert out["population"].sum() == munis["population"].sum()
    # Haaren (split 2021, listed under Tilburg) is flagged, never silently merged
    tilburg = out.set_index("gm_code").loc["GM0855"]
    assert bool(tilburg["split"]) and "GM0788" in tilburg["predecessors"]


def test_harmonize_mean_and_per_column_methods():
    frame = pd.DataFrame({"gm_code": ["GM0457", "GM0363"], "share": [0.2, 0.6], "n": [10, 30]})
    out = register.harmonize(frame, 2023, how={"share": "mean", "n": "sum"}).set_index("gm_code")
    assert out.loc["GM0363", "share"] == pytest.approx(0.4)
    assert out.loc["GM0363", "n"] == 40
    assert out.loc["GM0363", "n_predecessors"] == 2
    with pytest.raises(ValueError, match="sum' or 'mean"):
        register.harmonize(frame, 2023, how="median")


def test_population_and_size_classes_2014():
    munis = register.municipalities(2014)
    assert munis["population"].sum() == 16_828_900
    assert munis["size_class"].value_counts().to_dict() == {"S": 329, "M": 44, "L": 30}
    assert not munis["population_approximate"].any()
    utrecht = munis.set_index("gm_code").loc["GM0344"]
    assert utrecht["size_class"] == "L"


def test_population_of_other_years_is_approximate_and_complete():
    later = register.municipalities(2025)
    assert later["population"].notna().all() and later["population_approximate"].all()
    assert later["population"].sum() == 16_828_900  # the 2014 counts, summed along the chain
    earlier = register.municipalities(2013)
    assert earlier["population"].notna().all() and earlier["population_approximate"].all()
    assert register.municipalities(2000)["population"].isna().all()


def test_size_class_bounds():
    s = register.size_class(pd.Series([49_999, 50_000, 99_999, 100_000, None], dtype="Int64"))
    assert s.astype(object).tolist()[:4] == ["S", "M", "M", "L"]
    assert pd.isna(s.iloc[4])


def test_check_codes_names_the_successor():
    codes = pd.Series(["GM0344", "GM0457"])
    with pytest.raises(DataError) as err:
        register.check_codes(codes, 2023, file="x.csv")
    msg = str(err.value)
    assert "file x.csv" in msg and "row 2" in msg and "'gm_code'" in msg and "GM0363" in msg


def test_years_outside_the_register_are_refused():
    with pytest.raises(ValueError, match="outside the register"):
        register.municipalities(1989)


def test_shipped_register_is_built_from_the_cbs_reference(tmp_path):
    shared = Path(__file__).resolve().parents[2] / "shared" / "reference"
    if not shared.is_dir():
        pytest.skip("../shared/reference is not beside this checkout (only on the project's machines)")
    register.build_reference(shared, tmp_path)
    shipped = Path(__file__).resolve().parents[1] / "data" / "reference"
    for name in ("municipalities.csv", "municipality_successors.csv", "population_2014.csv"):
        assert (tmp_path / name).read_bytes() == (shipped / name).read_bytes(), name
