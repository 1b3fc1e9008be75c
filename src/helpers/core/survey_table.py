"""The staff survey's tidy table ``survey_responses`` and its codebook.

One row is one respondent (in the GemeenteBuzz design: one respondent per responding municipality).
Likert items hold the answer *code*: 1-5 on the item's scale, 8 = "weet niet" (don't know), 9 =
"n.v.t." (not applicable), ``<NA>`` = not answered. The questions, wordings and value labels are in
``data/reference/survey_codebook.yaml`` (:func:`load_codebook`); Dutch terms (college van B&W, griffie,
KCC, ...) are explained there.

The importer (:mod:`helpers.collect.survey`), the demo generator (:mod:`helpers.demo.survey`) and the
analyses (:mod:`helpers.analysis.survey`) share these definitions, so they live at the bottom layer.
Imports nothing from helpers but :mod:`helpers.core.paths`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
import yaml

from helpers.core.paths import reference_dir

CODEBOOK_FILE = "survey_codebook.yaml"
#: Organisational groups whose enthusiasm the respondent rates (college = college van B&W, mayor and
#: aldermen; raad = gemeenteraad, council; griffie = council clerk's office; kcc =
#: klantcontactcentrum, customer-contact centre; vakafdelingen = policy and service departments).
GROUPS = (
    "college", "raad", "griffie", "directie", "middenmanagement", "communicatie", "kcc",
    "vakafdelingen",
)
REASONS = (
    "lack_of_affinity", "fear_of_workload", "unfamiliarity", "reputation_risk", "no_budget", "other",
)
OWNERSHIP = (
    "fully_communications", "communications_with_others", "spread_over_departments", "nobody",
    "other",
)
ROLES = ("communicatie", "kcc", "management", "bestuur", "vakafdeling", "other")
VALID = (1, 2, 3, 4, 5)
DONT_KNOW, NOT_APPLICABLE = 8, 9
DONT_KNOW_KEY = "dont_know"
ENTHUSIASM_COLS = tuple(f"enth_{g}" for g in GROUPS)
REASON_COLS = tuple(f"reason_{r}" for r in REASONS)
MONITOR_COLS = ("monitor_themes", "monitor_indirect")
INTEGRATION_COLS = ("integration_policy", "integration_execution")
LIKERT_COLS = ENTHUSIASM_COLS + MONITOR_COLS + INTEGRATION_COLS
#: Item sets of the *shipped* codebook that are meant to measure one thing, for Cronbach's alpha.
#: The two monitoring items (themes, indirect questions) and the two integration items (policy,
#: execution) are two-item scales; the eight enthusiasm ratings form an "organisational enthusiasm"
#: index. The analyses read the membership from the table's codebook (:func:`reliability_scales`),
#: so that extra items of a local codebook count; this constant documents the shipped one.
SCALES = {
    "monitoring": MONITOR_COLS,
    "integration": INTEGRATION_COLS,
    "enthusiasm_index": ENTHUSIASM_COLS,
}


def _likert(codes: tuple[int, ...]) -> pa.Column:
    return pa.Column("Int64", pa.Check.isin(list(codes)), nullable=True)


#: Tidy-column prefix of the items of each grid question; a local codebook's extra item of a grid
#: question gets the column ``<prefix>_<key>`` (see :mod:`helpers.collect.codebook`).
ITEM_PREFIX = {"enthusiasm": "enth", "monitoring": "monitor", "integration": "integration",
               "reasons": "reason"}
_FIXED = ("respondent_id", "year", "gm_code", "role", *ENTHUSIASM_COLS, "ownership", *REASON_COLS,
          *MONITOR_COLS, *INTEGRATION_COLS)


def _extra(prefix: str) -> str:
    """Regex of extra item columns ``<prefix>_<key>`` that are not one of the shipped columns."""
    shipped = "|".join(c for c in _FIXED if c.startswith(f"{prefix}_"))
    return rf"^(?!(?:{shipped})$){prefix}_[a-z0-9_]+$"


#: Schema of the tidy ``survey_responses`` table (one row per respondent): the shipped columns in
#: order, then any extra items a local codebook added to a grid question (Likert codes 1-5, 8, 9 or
#: booleans), in codebook order.
RESPONSES_SCHEMA = pa.DataFrameSchema(
    {
        # "R" + 16 hex digits of a salted SHA-256 of year and export id (see helpers.collect.survey)
        "respondent_id": pa.Column(str, pa.Check.str_matches(r"^R[0-9a-f]{16}$"), unique=True),
        "year": pa.Column(int, pa.Check.in_range(1990, 2100)),
        "gm_code": pa.Column(str, pa.Check.str_matches(r"^GM\d{4}$")),
        "role": pa.Column(str, pa.Check.isin(list(ROLES)), nullable=True),
        **{c: _likert(VALID + (DONT_KNOW,)) for c in ENTHUSIASM_COLS},
        "ownership": pa.Column(
            str, pa.Check.isin(list(OWNERSHIP) + [DONT_KNOW_KEY]), nullable=True
        ),
        **{c: pa.Column("boolean", nullable=True) for c in REASON_COLS},
        **{c: _likert(VALID + (DONT_KNOW,)) for c in MONITOR_COLS},
        **{c: _likert(VALID + (DONT_KNOW, NOT_APPLICABLE)) for c in INTEGRATION_COLS},
        **{_extra(p): pa.Column("Int64", pa.Check.isin([*VALID, DONT_KNOW, NOT_APPLICABLE]),
                                nullable=True, regex=True, required=False)
           for q, p in ITEM_PREFIX.items() if q != "reasons"},
        _extra("reason"): pa.Column("boolean", nullable=True, regex=True, required=False),
    },
    strict=True,
    coerce=True,
    ordered=True,
    name="survey_responses",
)
#: The shipped columns of the tidy table, in order (extra items follow them).
COLUMNS = _FIXED
#: ``DataFrame.attrs`` key under which the tidy table carries the codebook it was imported with
#: (YAML text; pandas keeps ``attrs`` in the Parquet file).
CODEBOOK_ATTR = "survey_codebook"


# --- codebook ------------------------------------------------------------------------------------


def load_codebook(path: Path | None = None) -> dict[str, Any]:
    """Read the survey codebook (YAML) and check it (see :func:`check_codebook`).

    Returns
    -------
    dict
        The YAML's content (``missing``, ``scales``, ``reliability``, ``questions``,
        ``identifying``, ``ignored``).

    Raises
    ------
    ValueError
        When the codebook breaks a rule of :func:`check_codebook`.
    """
    path = path or reference_dir() / CODEBOOK_FILE
    cb = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    check_codebook(cb, str(path))
    return cb


def check_codebook(cb: dict[str, Any], where: str = "codebook") -> None:
    """Check a (shipped or merged) codebook against the tidy table.

    Rules: every question has ``id``, ``type``, ``nl``, ``en``; a likert5 question names a known
    scale; the codebook's tidy columns are the shipped :data:`COLUMNS` (besides ``year``) plus extra
    items ``<prefix>_<key>`` of grid questions (:data:`ITEM_PREFIX`); every ``reliability`` scale
    names a likert5 question.

    Raises
    ------
    ValueError
        Naming ``where`` and the rule broken.
    """
    for q in cb["questions"]:
        for key in ("id", "type", "nl", "en"):
            if key not in q:
                raise ValueError(f"{where}: question {q.get('id')!r} has no {key!r}")
        if q["type"] == "likert5" and q.get("scale") not in cb["scales"]:
            raise ValueError(f"{where}: question {q['id']!r} names unknown scale {q.get('scale')!r}")
    items = codebook_items(cb)
    cols = set(items["column"]) | {"year"}
    extra = items[~items["column"].isin(COLUMNS)]
    bad = [c for c, q in zip(extra["column"], extra["question"], strict=True)
           if q not in ITEM_PREFIX or not str(c).startswith(f"{ITEM_PREFIX[q]}_")]
    if set(COLUMNS) - cols or bad:
        raise ValueError(
            f"{where}: codebook columns differ from the schema: "
            f"missing {sorted(set(COLUMNS) - cols)}, extra {sorted(bad)}"
        )
    for name, qid in (cb.get("reliability") or {}).items():
        q = next((q for q in cb["questions"] if q["id"] == qid), None)
        if q is None or q["type"] != "likert5":
            raise ValueError(f"{where}: reliability scale {name!r} names {qid!r}, which is not a "
                             "likert5 question")


def codebook_items(cb: dict[str, Any]) -> pd.DataFrame:
    """One row per tidy column of the codebook (text questions have none).

    Returns
    -------
    DataFrame
        ``column``, ``question``, ``type``, ``key`` (group/reason/option key or None), ``raw``
        (list of export names, lower case), ``codes`` (dict code -> key or label for single and
        likert5 items, including allowed missing codes), ``recode`` (dict export code key -> our
        code: the question's recoding overridden by the item's), ``aliases`` (dict our code -> list
        of the export's own labels for it), ``nl``, ``en``.
    """
    rows = []
    for q in cb["questions"]:
        if q["type"] == "text":
            continue
        items = q.get("items") or [{"column": q["column"], "key": None, "raw": q["raw"],
                                    "nl": q["nl"], "en": q["en"]}]
        for it in items:
            if q["type"] == "likert5":
                codes = {int(c): v["nl"] for c, v in cb["scales"][q["scale"]].items()}
            elif q["type"] == "single":
                codes = {int(c): v["key"] for c, v in q["values"].items()}
            else:
                codes = {}
            for m in q.get("missing", []):
                codes[int(m)] = cb["missing"][int(m)]["key"]
            aliases = {int(c): list(v) for c, v in (q.get("aliases") or {}).items()}
            for c, v in (it.get("aliases") or {}).items():
                aliases[int(c)] = aliases.get(int(c), []) + list(v)
            rows.append({
                "column": it["column"], "question": q["id"], "type": q["type"],
                "key": it.get("key"), "raw": [str(r).lower() for r in it["raw"]],
                "codes": codes,
                "recode": {str(k): int(v) for k, v in {**(q.get("recode") or {}),
                                                        **(it.get("recode") or {})}.items()},
                "aliases": aliases, "nl": it["nl"], "en": it["en"],
            })
    return pd.DataFrame(rows)


def scale_columns(cb: dict[str, Any], question: str) -> list[str]:
    """The tidy columns of a grid question's items (``"monitoring"`` -> ``monitor_themes``, ...),
    in codebook order, extra items of a local codebook included."""
    q = next((q for q in cb["questions"] if q["id"] == question), None)
    if q is None or "items" not in q:
        raise KeyError(f"the codebook has no grid question {question!r}")
    return [it["column"] for it in q["items"]]


def reliability_scales(cb: dict[str, Any]) -> dict[str, list[str]]:
    """Scale name -> its item columns, for Cronbach's alpha: the codebook's ``reliability`` section
    (scale name -> grid question), every item the codebook puts on that question."""
    return {name: scale_columns(cb, qid) for name, qid in (cb.get("reliability") or {}).items()}


def codebook_of(df: pd.DataFrame) -> dict[str, Any]:
    """The codebook a tidy ``survey_responses`` table was imported with.

    The importer stores the merged codebook (shipped + local) in ``df.attrs[CODEBOOK_ATTR]``, and
    pandas keeps ``attrs`` in the Parquet file. A table without it (built by hand, or by an older
    version) gets the shipped codebook, with any extra item column of the table (``<prefix>_<key>``
    beyond the shipped ones) added to its grid question.
    """
    text = df.attrs.get(CODEBOOK_ATTR)
    if text:
        return yaml.safe_load(text)
    cb = load_codebook()
    known = set(codebook_items(cb)["column"])
    for col in df.columns:
        if col in known:
            continue
        for q in cb["questions"]:
            prefix = ITEM_PREFIX.get(q["id"])
            if prefix and str(col).startswith(f"{prefix}_"):
                key = str(col).removeprefix(f"{prefix}_")
                q["items"].append({"column": col, "key": key, "raw": [], "nl": key, "en": key})
    return cb


def group_labels(cb: dict[str, Any], lang: str = "en") -> dict[str, str]:
    """Group key -> label in ``lang`` (``"en"`` or ``"nl"``) from the codebook."""
    items = codebook_items(cb)
    enth = items[items["question"] == "enthusiasm"]
    return dict(zip(enth["key"], enth[lang], strict=True))


def answer_labels(
    cb: dict[str, Any], question: str, lang: str = "en", *, sentence: bool = False
) -> dict[str, str]:
    """Key -> label in ``lang`` of a question's answers (single), items (grid, multi) or scale.

    For a grid or multiple-choice question the keys are the item keys (group, reason); for a
    single-choice question the answer keys; for a scale name (``"enthusiasm"`` in ``scales``) the
    codes 1-5 as strings. ``sentence=True`` gives stand-alone labels for figures: a leading
    ``"... "`` removed and the first letter capitalised (the codebook writes them to fit a question).
    """
    if question in cb["scales"]:
        labels = {str(c): v[lang] for c, v in cb["scales"][question].items()}
    else:
        q = next(q for q in cb["questions"] if q["id"] == question)
        if "items" in q:
            labels = {it["key"]: it[lang] for it in q["items"]}
        else:
            labels = {v["key"]: v[lang] for v in q.get("values", {}).values()}
            for m in q.get("missing", []):
                labels[cb["missing"][int(m)]["key"]] = cb["missing"][int(m)][lang]
    if sentence:
        labels = {k: (t := v.removeprefix("... "))[:1].upper() + t[1:] for k, v in labels.items()}
    return labels
