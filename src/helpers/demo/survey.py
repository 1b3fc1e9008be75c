"""Synthetic staff-survey export (SPSS ``.sav``) for the demo dataset.

Writes ``<dest>/survey/survey.sav`` as a survey platform would export it: one row per respondent (one
respondent per responding municipality), export variable names from the codebook's ``raw`` lists,
numeric answer codes with SPSS value labels, 8/9 ("weet niet"/"n.v.t.") declared as user-missing,
and the identifying columns a real export carries (``naam``, ``email``, ``ip_address``, free-text
``toelichting`` with signatures), so that the importer's removal of personal data is exercised.
The file label and the file note mark the data as SYNTHETIC DEMO DATA.

Calibration (published figures, see ``data/reference/published.yaml``):

- respondents: 210 of 403 municipalities in 2014, 224 of 393 in 2015; other years 52% of the
  register (extrapolated, said so in the file label). A sample of municipalities gets the same share
  of respondents (at least 5, or all when fewer). Response is more likely for larger municipalities
  (selection weights S 1.0, M 1.6, L 2.4), so post-stratification by size class matters.
- ownership: 70% of valid answers "fully with communications" (exact allocation, then shuffled).
- enthusiasm: latent scores per group (college, raad, communicatie, kcc highest; directie and
  middenmanagement lowest) plus a respondent effect, so ratings correlate within a respondent.
- reasons: lack of affinity and fear of workload named most.
- monitoring: about 58% (themes) and 64% (indirect questions) on the insufficient side (1-2).

The number of respondents does not grow with ``scale`` (a survey has one row per municipality).
Deterministic: the same ``rng`` state gives a byte-identical file (the ``.sav`` header's creation
time stamp is fixed to 1 January of the year).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from helpers.core.survey_table import GROUPS, REASONS, load_codebook

#: Published respondent counts (of all municipalities in the register that year).
PUBLISHED_RESPONDENTS = {2014: 210, 2015: 224}
EXTRAPOLATED_RATE = 0.52
MIN_RESPONDENTS = 5
SIZE_WEIGHT = {"S": 1.0, "M": 1.6, "L": 2.4}
#: Latent mean enthusiasm per group (1-5 scale) and the chance of "weet niet".
ENTHUSIASM_MEAN = {"college": 3.9, "raad": 3.7, "griffie": 3.1, "directie": 2.5,
                   "middenmanagement": 2.3, "communicatie": 4.3, "kcc": 3.6, "vakafdelingen": 2.9}
ENTHUSIASM_DK = {"college": 0.03, "raad": 0.04, "griffie": 0.12, "directie": 0.04,
                 "middenmanagement": 0.05, "communicatie": 0.02, "kcc": 0.07, "vakafdelingen": 0.04}
SIZE_SHIFT = {"S": 0.0, "M": 0.1, "L": 0.2}
REASON_P = {"lack_of_affinity": 0.56, "fear_of_workload": 0.48, "unfamiliarity": 0.31,
            "reputation_risk": 0.22, "no_budget": 0.15, "other": 0.08}
OWNERSHIP_P = {1: 0.70, 2: 0.15, 3: 0.09, 4: 0.03, 5: 0.03}  # codebook codes of `ownership`
OWNERSHIP_SIZE_WEIGHT = {"S": 1.2, "M": 1.0, "L": 0.7}
MONITOR_P = {"monitor_themas": (0.20, 0.38, 0.24, 0.13, 0.05),
             "monitor_indirect": (0.28, 0.36, 0.22, 0.10, 0.04)}
MONITOR_DK = {"monitor_themas": 0.05, "monitor_indirect": 0.07}
INTEGRATION_P = {"beleid_onderdeel": (0.10, 0.30, 0.35, 0.20, 0.05),
                 "uitvoering_onderdeel": (0.08, 0.25, 0.37, 0.24, 0.06)}
ROLE_P = {1: 0.72, 2: 0.07, 3: 0.06, 4: 0.03, 5: 0.07, 6: 0.05}
FIRST_NAMES = ("Anne", "Bram", "Charlotte", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Jeroen",
               "Kim", "Lars", "Marloes", "Niels", "Petra", "Ruben", "Sanne", "Tom", "Wouter")
LAST_NAMES = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
              "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer")


def n_respondents(year: int, n_munis: int, n_register: int) -> int:
    """How many of ``n_munis`` demo municipalities respond (``n_register`` = the year's total)."""
    target = PUBLISHED_RESPONDENTS.get(int(year), round(EXTRAPOLATED_RATE * n_register))
    if n_munis >= n_register:
        return int(target)
    return int(min(n_munis, max(MIN_RESPONDENTS, round(target * n_munis / n_register))))


def _allocate(n: int, probs: tuple[float, ...] | list[float]) -> np.ndarray:
    """Counts per category that sum to ``n`` and follow ``probs`` (largest remainder)."""
    p = np.asarray(probs, dtype=float) / np.sum(probs)
    raw = p * n
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts


def _by_latent(latent: np.ndarray, probs: tuple[float, ...], codes: tuple[int, ...]) -> np.ndarray:
    """Give the exact composition ``probs`` to respondents in order of ``latent`` (low gets low)."""
    counts = _allocate(len(latent), probs)
    out = np.empty(len(latent), dtype=float)
    out[np.argsort(latent, kind="stable")] = np.repeat(codes, counts)
    return out


def _with_dk(rng: np.random.Generator, latent: np.ndarray, probs: tuple[float, ...],
             p_dk: float, dk_code: int = 8) -> np.ndarray:
    n = len(latent)
    out = np.full(n, float(dk_code))
    n_dk = round(p_dk * n)
    rest = np.sort(rng.choice(n, size=n - n_dk, replace=False))
    out[rest] = _by_latent(latent[rest], probs, (1, 2, 3, 4, 5))
    return out


def _answers(munis: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Answer codes of the respondents ``munis`` (one row each), export variable names."""
    n = len(munis)
    size = munis["size_class"].astype("object").fillna("S").to_numpy()
    shift = np.array([SIZE_SHIFT[s] for s in size])
    person = rng.normal(0.0, 0.5, n)
    out: dict[str, np.ndarray] = {}
    raw_group = {"college": "enth_college", "raad": "enth_gemeenteraad"}
    for g in GROUPS:
        latent = ENTHUSIASM_MEAN[g] + shift + person + rng.normal(0.0, 0.75, n)
        codes = np.clip(np.rint(latent), 1, 5)
        codes[rng.random(n) < ENTHUSIASM_DK[g]] = 8
        out[raw_group.get(g, f"enth_{g}")] = codes
    # ownership: 2% "weet niet", then exactly 70% of the valid answers fully communications, more
    # often in small municipalities
    own = np.full(n, np.nan)
    n_dk = round(0.02 * n)
    dk = rng.choice(n, size=n_dk, replace=False)
    own[dk] = 8
    valid = np.setdiff1d(np.arange(n), dk)
    counts = _allocate(len(valid), list(OWNERSHIP_P.values()))
    w = np.array([OWNERSHIP_SIZE_WEIGHT[s] for s in size[valid]])
    fully = rng.choice(valid, size=counts[0], replace=False, p=w / w.sum())
    own[fully] = 1
    others = rng.permutation(np.setdiff1d(valid, fully))
    own[others] = np.repeat(list(OWNERSHIP_P)[1:], counts[1:])
    out["verantwoordelijkheid"] = own
    # reasons: 3% skip the question (all empty)
    skip = rng.random(n) < 0.03
    for r, raw in zip(REASONS, ("reden_affiniteit", "reden_werkdruk", "reden_onbekendheid",
                                "reden_reputatie", "reden_budget", "reden_anders"), strict=True):
        chosen = (rng.random(n) < REASON_P[r]).astype(float)
        chosen[skip] = np.nan
        out[raw] = chosen
    monitor_latent = rng.normal(0, 1, n)
    for col, probs in MONITOR_P.items():
        out[col] = _with_dk(rng, monitor_latent + rng.normal(0, 0.8, n), probs, MONITOR_DK[col])
    integ_latent = rng.normal(0, 1, n) + 0.3 * shift
    for col, probs in INTEGRATION_P.items():
        codes = _with_dk(rng, integ_latent + rng.normal(0, 0.6, n), probs, 0.03)
        codes[(codes != 8) & (rng.random(n) < 0.02)] = 9
        out[col] = codes
    role = np.repeat(list(ROLE_P), _allocate(n, list(ROLE_P.values())))
    out["functie"] = rng.permutation(role).astype(float)
    return pd.DataFrame(out)


def _personal(rng: np.random.Generator, n: int, reason_other: np.ndarray) -> pd.DataFrame:
    """Identifying columns as a survey platform exports them (all fake)."""
    first = rng.choice(FIRST_NAMES, n)
    last = rng.choice(LAST_NAMES, n)
    names = [f"{f} {ln}" for f, ln in zip(first, last, strict=True)]
    emails = [f"{f.lower()}.{ln.replace(' ', '').lower()}@gemeente-demo.nl"
              for f, ln in zip(first, last, strict=True)]
    ips = [f"10.{a}.{b}.{c}" for a, b, c in rng.integers(0, 256, (n, 3))]
    remarks = [
        f"Goed onderzoek. Met vriendelijke groet, {nm} ({em})" if rng.random() < 0.3 else ""
        for nm, em in zip(names, emails, strict=True)
    ]
    other = ["Politieke gevoeligheid" if o == 1 else "" for o in reason_other]
    return pd.DataFrame({"naam": names, "email": emails, "ip_address": ips,
                         "reden_anders_tekst": other, "toelichting": remarks})


def _labels(year: int) -> tuple[dict[str, dict[float, str]], dict[str, list[int]], dict[str, str]]:
    """SPSS value labels, user-missing codes and variable labels from the codebook."""
    cb = load_codebook()
    value_labels: dict[str, dict[float, str]] = {}
    missing: dict[str, list[int]] = {}
    var_labels: dict[str, str] = {}
    for q in cb["questions"]:
        items = q.get("items") or [{"raw": q["raw"], "nl": q["nl"]}]
        for it in items:
            raw = it["raw"][0]
            var_labels[raw] = it["nl"] if "items" not in q else f"{q['nl']} - {it['nl']}"
            if q["type"] == "likert5":
                labels = {float(c): v["nl"] for c, v in cb["scales"][q["scale"]].items()}
            elif q["type"] == "single":
                labels = {float(c): v["nl"] for c, v in q["values"].items()}
            elif q["type"] == "multi":
                labels = {0.0: "niet gekozen", 1.0: "gekozen"}
            else:
                continue
            for m in q.get("missing", []):
                labels[float(m)] = cb["missing"][int(m)]["nl"]
            value_labels[raw] = labels
            if q.get("missing"):
                missing[raw] = [int(m) for m in q["missing"]]
    return value_labels, missing, var_labels


def survey_frame(munis: pd.DataFrame, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """The export as a DataFrame (before writing): respondents, answers and personal columns."""
    n_reg = len(_register(year))
    n = n_respondents(year, len(munis), n_reg)
    size = munis["size_class"].astype("object").fillna("S")
    w = size.map(SIZE_WEIGHT).to_numpy(dtype=float)
    pick = np.sort(rng.choice(len(munis), size=n, replace=False, p=w / w.sum()))
    resp = munis.iloc[pick].reset_index(drop=True)
    # export order: by response time, not by code
    resp = resp.iloc[rng.permutation(n)].reset_index(drop=True)
    answers = _answers(resp, rng)
    personal = _personal(rng, n, answers["reden_anders"].to_numpy())
    start = pd.Timestamp(f"{year}-05-01 09:00") + pd.to_timedelta(
        np.sort(rng.integers(0, 30 * 24 * 60, n)), unit="min")
    head = pd.DataFrame({
        "respondent_id": (100000 + rng.choice(900000, n, replace=False)).astype(float),
        "startdatum": start.strftime("%Y-%m-%d %H:%M").astype(str),
        "gemeentecode": resp["gm_code"].astype(str).to_numpy(),
    })
    return pd.concat([head, personal[["naam", "email", "ip_address"]], answers,
                      personal[["reden_anders_tekst", "toelichting"]]], axis=1)


def _register(year: int) -> pd.DataFrame:
    from helpers.core import register

    return register.municipalities(year)


def write_raw(
    munis: pd.DataFrame, year: int, rng: np.random.Generator, dest: Path, scale: float = 1.0
) -> list[Path]:
    """Write ``dest/survey/survey.sav`` (synthetic) for the demo municipalities ``munis``.

    Parameters
    ----------
    munis : DataFrame
        The demo's municipalities (register rows with ``gm_code`` and ``size_class``).
    year : int
        The study year (2014 and 2015 calibrated to the published respondent counts).
    rng : numpy Generator
        The survey's own random stream.
    dest : Path
        The demo dataset folder.
    scale : float
        Ignored: a survey has one row per responding municipality at any scale.

    Returns
    -------
    list of Path
        The written file.
    """
    from helpers.demo.common import MARKER

    frame = survey_frame(munis, year, rng)
    value_labels, missing, var_labels = _labels(year)
    kind = "calibrated" if int(year) in PUBLISHED_RESPONDENTS else "extrapolated"
    path = Path(dest) / "survey" / "survey.sav"
    path.parent.mkdir(parents=True, exist_ok=True)
    pyreadstat.write_sav(
        frame, path,
        file_label=f"SYNTHETIC DEMO DATA {year} ({kind})",
        note=textwrap.wrap(f"{MARKER} Staff survey {year}, {kind} to the published figures.", 80),
        column_labels={c: var_labels.get(c, c) for c in frame.columns},
        variable_value_labels={c: v for c, v in value_labels.items() if c in frame.columns},
        missing_ranges={c: v for c, v in missing.items() if c in frame.columns},
    )
    _fix_timestamp(path, year)
    return [path]


def _fix_timestamp(path: Path, year: int) -> None:
    """Overwrite the .sav header's creation date and time (bytes 92-108) with a fixed value."""
    stamp = f"01 Jan {int(year) % 100:02d}00:00:00".encode("ascii")
    with open(path, "r+b") as fh:
        fh.seek(92)
        fh.write(stamp)
