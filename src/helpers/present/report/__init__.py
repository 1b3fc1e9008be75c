"""Reports: the replication table, the per-year HTML report, stand-alone pages, the index and the trends.

* :mod:`.replication` — every published figure of a year (``data/reference/published.yaml``) beside
  the value this run recorded under the same name, with the difference and a verdict.
* :mod:`.year` — :func:`finalize_year`, called by the batch runner once every notebook of a year
  succeeded: ``tables/replication.csv`` (unless the report notebook already wrote it) and
  ``report.html`` from the executed ``notebooks/08_report.ipynb`` (code hidden, figures embedded, no
  external files or scripts needed).
* :mod:`.pages` — :func:`write_page`, a small stand-alone page from headings, text, tables and figures
  (the trends page); :func:`table_html`/:func:`show_table` for notebook tables; the demo banner.
* :mod:`.index` — :func:`write_index`, ``outputs/index.html``: every year that has a manifest, with
  its status and run date, plus the trends page and profile indexes where present.
* :mod:`.profile_pages` — the profile pages around nbconvert's body, and their index.
* :mod:`.sections` and :mod:`.wording` — the report notebook's tables for people, keys in words;
  :mod:`.notes` — the records' (English) notes in the reader's language.
* :mod:`.trends` — the trends notebook's pieces across years.
* :mod:`.folders` — what a year folder says about itself; pages written atomically.

All HTML comes from Jinja2 templates (``helpers/present/templates``, :mod:`helpers.present.templating`)
with escaping on. Everything made from demo data carries a visible banner.

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli` (what a run folder holds is read
through :mod:`helpers.core.records`).
"""

from helpers.present.report.folders import is_demo, read_json, run_date
from helpers.present.report.index import index_lang, write_index
from helpers.present.report.notes import translate_note, unknown_clauses
from helpers.present.report.pages import (
    DEMO_TEXT,
    demo_banner,
    figure_img,
    png_data_uri,
    render_page,
    show_table,
    sources_line,
    table_html,
    write_page,
)
from helpers.present.report.profile_pages import PROFILE_FONT, profile_page, profiles_index_page
from helpers.present.report.replication import (
    KINDS,
    PUBLISHED,
    REPLICATION_COLUMNS,
    compare,
    load_published,
    replication_table,
    write_replication,
)
from helpers.present.report.sections import (
    FINDING_ORDER,
    SOURCE_NOTEBOOKS,
    STUDY_SOURCES,
    figure_caption,
    figure_files,
    findings_markdown,
    headline_table,
    municipality_names,
    not_collected,
    not_collected_sentence,
    provenance_table,
    readable_records,
    readable_replication,
    records_summary,
    sources_table,
    text,
)
from helpers.present.report.trends import (
    TREND_NUMBERS,
    choose_years,
    fastest_over_years,
    harmonized_presence,
    key_numbers_table,
    merger_notes,
    numeric_trends,
    presence_by_municipality,
    records_over_years,
    run_years,
    trend_title,
    trends_provenance,
    write_provenance,
    year_records,
)
from helpers.present.report.wording import (
    COUNT_UNITS,
    HEADLINES,
    LIST_UNITS,
    RAW_KEY,
    TABLE_HEADERS,
    describe,
    format_value,
    humanize,
    notebook_words,
    readable_frame,
    translate_headers,
    unit_words,
    words,
)
from helpers.present.report.year import (
    NOTEBOOK_ONLY,
    REPORT_NOTEBOOK,
    finalize_year,
    notebook_html,
    report_lang,
    warm_up,
)

__all__ = [
    "COUNT_UNITS", "DEMO_TEXT", "FINDING_ORDER", "HEADLINES", "KINDS", "LIST_UNITS", "NOTEBOOK_ONLY",
    "PROFILE_FONT", "PUBLISHED", "RAW_KEY", "REPLICATION_COLUMNS", "REPORT_NOTEBOOK", "SOURCE_NOTEBOOKS",
    "STUDY_SOURCES", "TABLE_HEADERS", "TREND_NUMBERS", "choose_years", "compare", "demo_banner", "describe",
    "fastest_over_years", "figure_caption", "figure_files", "figure_img", "finalize_year",
    "findings_markdown", "format_value", "harmonized_presence", "headline_table", "humanize", "index_lang",
    "is_demo",
    "key_numbers_table", "load_published", "merger_notes", "municipality_names", "not_collected",
    "not_collected_sentence", "notebook_html", "notebook_words", "numeric_trends", "png_data_uri",
    "presence_by_municipality", "profile_page", "profiles_index_page", "provenance_table", "read_json",
    "readable_frame", "readable_records", "readable_replication", "records_over_years", "records_summary",
    "render_page", "replication_table", "report_lang", "run_date", "run_years", "show_table",
    "sources_line", "sources_table", "table_html", "text", "translate_headers", "translate_note",
    "trend_title", "trends_provenance", "unit_words", "unknown_clauses", "warm_up", "words", "write_index",
    "write_page", "write_provenance", "write_replication", "year_records",
]
