"""Labels of the figures in English and Dutch: the known keys (platforms, measures, size classes,
survey groups, units) and :func:`label`, which translates them.

Imports nothing from helpers (no matplotlib either): the report and profiles use the same labels.
"""

from __future__ import annotations

LANGS = ("en", "nl")

#: Known label keys in English and Dutch (platforms, measures, size classes, groups, units, axes).
LABELS: dict[str, dict[str, str]] = {
    # platforms
    "twitter": {"en": "Twitter", "nl": "Twitter"},
    "facebook": {"en": "Facebook", "nl": "Facebook"},
    "instagram": {"en": "Instagram", "nl": "Instagram"},
    "linkedin": {"en": "LinkedIn", "nl": "LinkedIn"},
    "youtube": {"en": "YouTube", "nl": "YouTube"},
    "mastodon": {"en": "Mastodon", "nl": "Mastodon"},
    "bluesky": {"en": "Bluesky", "nl": "Bluesky"},
    "website": {"en": "Website", "nl": "Website"},
    "platform": {"en": "Platform", "nl": "Platform"},
    # presence measures
    "has_account": {"en": "Has an account", "nl": "Heeft een account"},
    "has_corporate": {"en": "Has a corporate account", "nl": "Heeft een corporate account"},
    "active": {"en": "Active (posted in window)", "nl": "Actief (postte in periode)"},
    "measure": {"en": "Measure", "nl": "Maat"},
    # website measures (websites.item_shares / yearly_shares)
    "info_in_order": {"en": "Information in order", "nl": "Informatie op orde"},
    "any_eservice": {"en": "At least one e-service", "nl": "Minstens één e-dienst"},
    "item": {"en": "Item", "nl": "Onderdeel"},
    # kinds of own posts and the groups compared (03_interaction)
    "original": {"en": "Own posts", "nl": "Eigen berichten"},
    "repost": {"en": "Reposts", "nl": "Doorgestuurde berichten"},
    "reply": {"en": "Replies", "nl": "Antwoorden"},
    "kind": {"en": "Kind of post", "nl": "Soort bericht"},
    "top100": {"en": "100 largest municipalities", "nl": "100 grootste gemeenten"},
    "pooled": {"en": "Pooled over all posts", "nl": "Gepoold over alle berichten"},
    "megaphone_share": {"en": "Megaphone share (%)", "nl": "Roeptoetergehalte (%)"},
    # messages to the municipality vs about it (05_monitoring)
    "addressed": {"en": "Addressed to the municipality", "nl": "Gericht aan de gemeente"},
    "indirect": {"en": "Not addressed to it (indirect)", "nl": "Niet aan de gemeente gericht"},
    # days of the question (04_response_time)
    "weekday": {"en": "Asked on a weekday", "nl": "Gesteld op een werkdag"},
    "weekend": {"en": "Asked in the weekend", "nl": "Gesteld in het weekend"},
    # size classes (inhabitants on 1 January)
    "S": {"en": "Small (< 50,000)", "nl": "Klein (< 50.000)"},
    "M": {"en": "Medium (50,000-99,999)", "nl": "Middel (50.000-99.999)"},
    "L": {"en": "Large (>= 100,000)", "nl": "Groot (>= 100.000)"},
    "size_class": {"en": "Size class", "nl": "Grootteklasse"},
    # survey groups (Dutch terms kept: griffie = council clerk's office, KCC = contact centre)
    "college": {"en": "Executive (college)", "nl": "College van B&W"},
    "raad": {"en": "Council (raad)", "nl": "Gemeenteraad"},
    "griffie": {"en": "Council clerk (griffie)", "nl": "Griffie"},
    "directie": {"en": "Directors (directie)", "nl": "Directie"},
    "middenmanagement": {"en": "Middle management", "nl": "Middenmanagement"},
    "communicatie": {"en": "Communications", "nl": "Communicatie"},
    "kcc": {"en": "Contact centre (KCC)", "nl": "Klantcontactcentrum (KCC)"},
    "vakafdelingen": {"en": "Policy departments", "nl": "Vakafdelingen"},
    "group": {"en": "Group", "nl": "Groep"},
    # survey reasons
    "fear_of_workload": {"en": "Fear of workload", "nl": "Angst voor werkdruk"},
    "lack_of_affinity": {"en": "Lack of affinity", "nl": "Gebrek aan affiniteit"},
    "unfamiliarity": {"en": "Unfamiliarity", "nl": "Onbekendheid"},
    "reputation_risk": {"en": "Reputation risk", "nl": "Reputatierisico"},
    "no_budget": {"en": "No budget", "nl": "Geen budget"},
    # website e-services (websites.py)
    "eservice_bijstand_aanvragen": {"en": "Apply for social assistance online",
                                    "nl": "Bijstand online aanvragen"},
    "eservice_inkomenswijziging": {"en": "Report a change in income", "nl": "Inkomenswijziging doorgeven"},
    "eservice_werkzoekende": {"en": "Register as a job seeker", "nl": "Inschrijven als werkzoekende"},
    "eservice_werkgevers": {"en": "Online service for employers", "nl": "Online dienst voor werkgevers"},
    "eservice_schuldhulp": {"en": "Request debt assistance online", "nl": "Schuldhulp online aanvragen"},
    # policy themes of citizen messages (schemas.THEMES)
    "afval": {"en": "Waste", "nl": "Afval"},
    "verkeer": {"en": "Traffic and roads", "nl": "Verkeer"},
    "zorg": {"en": "Care and youth", "nl": "Zorg"},
    "werk_inkomen": {"en": "Work and income", "nl": "Werk en inkomen"},
    "veiligheid": {"en": "Public safety", "nl": "Veiligheid"},
    "evenementen": {"en": "Events and permits", "nl": "Evenementen"},
    "belastingen": {"en": "Local taxes", "nl": "Belastingen"},
    "overig": {"en": "Other", "nl": "Overig"},
    "theme": {"en": "Theme", "nl": "Thema"},
    # units and axes
    "year": {"en": "Year", "nl": "Jaar"},
    "proportion": {"en": "Share (%)", "nl": "Aandeel (%)"},
    "share": {"en": "Share (%)", "nl": "Aandeel (%)"},
    "percent": {"en": "Percent (%)", "nl": "Procent (%)"},
    "hours": {"en": "Hours", "nl": "Uren"},
    "business_hours": {"en": "Business hours", "nl": "Kantooruren"},
    "municipalities": {"en": "Municipalities", "nl": "Gemeenten"},
    "municipality": {"en": "Municipality", "nl": "Gemeente"},
    "count": {"en": "Count", "nl": "Aantal"},
    "frequency": {"en": "Number of municipalities", "nl": "Aantal gemeenten"},
    "interval": {"en": "Interval", "nl": "Interval"},
    "share_municipalities": {
        "en": "Share of municipalities (%)",
        "nl": "Aandeel gemeenten (%)",
    },
    "share_unanswered": {
        "en": "Share still unanswered (%)",
        "nl": "Aandeel nog onbeantwoord (%)",
    },
    "share_valid_answers": {
        "en": "Share of valid answers (%)",
        "nl": "Aandeel geldige antwoorden (%)",
    },
    "interaction_share": {"en": "Interaction share (%)", "nl": "Interactieaandeel (%)"},
    "response_time": {"en": "Response time (hours)", "nl": "Reactietijd (uren)"},
    "response_band": {"en": "Time to first reply (band)", "nl": "Tijd tot eerste antwoord (klasse)"},
    # the eight time bands of the 2015 edition (responsetime.BAND_LABELS; the English keeps the key)
    "<1h": {"en": "<1h", "nl": "< 1 uur"},
    "1-2h": {"en": "1-2h", "nl": "1-2 uur"},
    "2-4h": {"en": "2-4h", "nl": "2-4 uur"},
    "4-8h": {"en": "4-8h", "nl": "4-8 uur"},
    "8-24h": {"en": "8-24h", "nl": "8-24 uur"},
    "1-2d": {"en": "1-2d", "nl": "1-2 dagen"},
    "2-7d": {"en": "2-7d", "nl": "2-7 dagen"},
    ">7d/unanswered": {"en": ">7d/unanswered", "nl": "> 7 dagen/ onbeantwoord"},
    # survey and website axes (06_survey, 07_websites)
    "share_reason": {"en": "Share of respondents naming the reason (%)",
                     "nl": "Aandeel respondenten dat de reden noemt (%)"},
    "response_rate": {"en": "Response rate (%)", "nl": "Respons (%)"},
    "size_class_bounds": {"en": "Size class (S < 50k, M 50-100k, L >= 100k inhabitants)",
                          "nl": "Grootteklasse (inwoners)"},
    "size_class_inhabitants": {"en": "Size class (inhabitants)", "nl": "Grootteklasse (inwoners)"},
    "share_websites": {"en": "Share of websites (%)", "nl": "Aandeel websites (%)"},
    "eservices_offered": {"en": "E-services offered (count of 5)",
                          "nl": "Aangeboden e-diensten (aantal van 5)"},
    "all_themes": {"en": "All themes", "nl": "Alle thema's"},
    "all": {"en": "All municipalities", "nl": "Alle gemeenten"},
    "reference": {"en": "Reference", "nl": "Referentie"},
    "published": {"en": "Published", "nl": "Gepubliceerd"},
    "computed": {"en": "Computed", "nl": "Berekend"},
}
#: English label text -> key, so that English phrases passed in by callers translate too.
_BY_ENGLISH = {v["en"].lower(): k for k, v in LABELS.items()}


def label(key: object, lang: str = "en") -> str:
    """The ``lang`` label of a known key (``"twitter"``, ``"S"``, ``"middenmanagement"``...).

    Keys are matched exactly, then case-insensitively, then as the English label text (so
    ``label("Share still unanswered", "nl")`` gives the Dutch phrase). Unknown keys come back
    unchanged (as ``str``).
    """
    _check_lang(lang)
    text = str(key)
    entry = LABELS.get(text) or LABELS.get(text.lower())
    if entry is None and text.lower() in _BY_ENGLISH:
        entry = LABELS[_BY_ENGLISH[text.lower()]]
    return entry[lang] if entry else text


#: :func:`label` under a name that function parameters called ``label`` do not shadow.
_tr = label


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be 'en' or 'nl', not {lang!r}")
