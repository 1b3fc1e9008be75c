"""The staff survey: its tidy table, its codebook, and the analyses of the survey notebook.

One row of the tidy table ``survey_responses`` is one respondent (in the GemeenteBuzz design: one
respondent per responding municipality). Likert items hold the answer *code*: 1-5 on the item's
scale, 8 = "weet niet" (don't know), 9 = "n.v.t." (not applicable), ``<NA>`` = not answered. Codes 8
and 9 are answers of their own: every analysis here takes percentages over the valid answers 1-5,
states that base, and reports the don't-know share beside it; none of them treats 8/9 as the midpoint.

The questions, wordings and value labels are in ``data/reference/survey_codebook.yaml``
(:func:`load_codebook`); Dutch terms (college van B&W, griffie, KCC, ...) are explained there.

Analyses (all return DataFrames or dicts; none prints):

- :func:`likert_distribution` - counts and shares per item, median, top-2-box, don't-know share;
- :func:`within_respondent_tests` - Friedman + Kendall's W, pairwise Wilcoxon (Holm) with r;
- :func:`ordinal_model` - cumulative-logit model of enthusiasm by group and size class;
- :func:`ownership_shares`, :func:`ownership_by_size` - who owns social media;
- :func:`reasons_ranked` - reasons for limited enthusiasm with Wilson intervals;
- :func:`monitoring_assessment` - self-rated monitoring;
- :func:`scale_reliability` - Cronbach's alpha of the item sets that form scales;
- :func:`nonresponse_table`, :func:`poststrat_weights`, :func:`weighted_estimates` - non-response.

The modules: :mod:`.distributions` (distributions, within-respondent tests, reliability),
:mod:`.ordinal` (the ordinal model and its check), :mod:`.ownership` (ownership, reasons,
monitoring) and :mod:`.nonresponse` (non-response and weights). The table's columns, answer codes
and codebook helpers live in :mod:`helpers.core.survey_table` (the importer shares them) and are
re-exported here, as is every analysis, so ``from helpers.analysis import survey as sv;
sv.ordinal_model(...)`` works.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`: a notebook passes the tables in.
"""

from helpers.analysis.survey.distributions import (
    enthusiasm_distribution,
    extremes,
    likert_distribution,
    likert_shares,
    scale_reliability,
    within_respondent_tests,
)
from helpers.analysis.survey.nonresponse import nonresponse_table, poststrat_weights, weighted_estimates
from helpers.analysis.survey.ordinal import enthusiasm_long, ordinal_model, proportional_odds_check
from helpers.analysis.survey.ownership import (
    monitoring_assessment,
    ownership_by_size,
    ownership_shares,
    reasons_ranked,
)
from helpers.core.survey_table import (  # the survey notebook reads them from here
    CODEBOOK_ATTR,
    CODEBOOK_FILE,
    COLUMNS,
    DONT_KNOW,
    DONT_KNOW_KEY,
    ENTHUSIASM_COLS,
    GROUPS,
    INTEGRATION_COLS,
    ITEM_PREFIX,
    LIKERT_COLS,
    MONITOR_COLS,
    NOT_APPLICABLE,
    OWNERSHIP,
    REASON_COLS,
    REASONS,
    RESPONSES_SCHEMA,
    ROLES,
    SCALES,
    VALID,
    answer_labels,
    check_codebook,
    codebook_items,
    codebook_of,
    group_labels,
    load_codebook,
    reliability_scales,
    scale_columns,
)

__all__ = [
    "CODEBOOK_ATTR",
    "CODEBOOK_FILE",
    "COLUMNS",
    "DONT_KNOW",
    "DONT_KNOW_KEY",
    "ENTHUSIASM_COLS",
    "GROUPS",
    "INTEGRATION_COLS",
    "ITEM_PREFIX",
    "LIKERT_COLS",
    "MONITOR_COLS",
    "NOT_APPLICABLE",
    "OWNERSHIP",
    "REASONS",
    "REASON_COLS",
    "RESPONSES_SCHEMA",
    "ROLES",
    "SCALES",
    "VALID",
    "answer_labels",
    "check_codebook",
    "codebook_items",
    "codebook_of",
    "enthusiasm_distribution",
    "enthusiasm_long",
    "extremes",
    "group_labels",
    "likert_distribution",
    "likert_shares",
    "load_codebook",
    "monitoring_assessment",
    "nonresponse_table",
    "ordinal_model",
    "ownership_by_size",
    "ownership_shares",
    "poststrat_weights",
    "proportional_odds_check",
    "reasons_ranked",
    "reliability_scales",
    "scale_columns",
    "scale_reliability",
    "weighted_estimates",
    "within_respondent_tests",
]
