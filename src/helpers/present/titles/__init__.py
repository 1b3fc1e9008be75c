"""Figure titles that state the finding, in English and Dutch, computed from the statistics.

Every figure of the year notebooks (02-07, 09) gets its title from one function here,
``title_<figure>(statistics..., lang)``: the wording follows the data (direction words change with
the statistics) and every number goes through :mod:`helpers.present.language`, so a Dutch title
reads ``24,1%`` and ``22,5 uur``. The English text is the one the notebooks used to build inline.

One module per notebook topic:

- :mod:`.social`: presence (02), interaction (03), response time (04), monitoring (05);
- :mod:`.survey`: the staff survey (06);
- :mod:`.websites`: the website audit (07);
- :mod:`.platforms`: the cross-platform comparison (09).

Must not import: :mod:`helpers.pipeline`, :mod:`helpers.cli`, :mod:`helpers.collect`,
:mod:`helpers.demo`; from helpers only :mod:`helpers.present.language`,
:mod:`helpers.present.viz.labels` and :mod:`helpers.analysis.platforms`.
"""

from __future__ import annotations

from helpers.present.titles.platforms import title_platform_comparison
from helpers.present.titles.social import (
    title_interaction_ranking,
    title_megaphone_distribution,
    title_monitoring_by_theme,
    title_post_mix,
    title_presence_by_platform,
    title_presence_by_size_class,
    title_response_bands,
    title_response_fastest,
    title_response_km,
)
from helpers.present.titles.survey import (
    title_survey_enthusiasm,
    title_survey_monitoring,
    title_survey_ownership,
    title_survey_reasons,
    title_survey_response_by_size,
)
from helpers.present.titles.websites import (
    title_website_by_size_class,
    title_website_eservice_distribution,
    title_website_items,
    title_website_trend,
)

__all__ = [
    "title_interaction_ranking", "title_megaphone_distribution", "title_monitoring_by_theme",
    "title_platform_comparison", "title_post_mix", "title_presence_by_platform",
    "title_presence_by_size_class", "title_response_bands", "title_response_fastest",
    "title_response_km", "title_survey_enthusiasm", "title_survey_monitoring",
    "title_survey_ownership", "title_survey_reasons", "title_survey_response_by_size",
    "title_website_by_size_class", "title_website_eservice_distribution", "title_website_items",
    "title_website_trend",
]
