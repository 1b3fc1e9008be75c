"""Demo website cache: small synthetic Dutch municipal sites, in exactly the crawler's cache layout.

For every municipality the generator decides which work & income information items and e-services
its site has, then writes the pages a crawl would have cached (``web/sites.csv``,
``web/<gm_code>/index.jsonl``, the page bodies and robots.txt; see :mod:`helpers.core.webcache`).
The audit is then *measured* from these pages by the same rule set as real pages, never copied.

Calibration (SIM groep 2014, all 403 websites audited): information in order for exactly
``round(0.80 * n)`` municipalities (the in-order set is drawn without replacement, so the share is
exact); few e-services: per e-service a logistic probability with a size-class shift (M +0.6,
L +1.2 on the logit scale) giving a mean score near 1 of 5 and under 20% with three or more;
online services for employers and for debt assistance are rare (about 5%). Other years are
extrapolated, not calibrated: +2.5 percentage points in order and +0.4 on the e-service logit per
year after 2014 (the reverse before), labelled so on every page.

Distractors that the rule set must handle: every page has a footer with links (including one to the
work & income pages and an "Inloggen met DigiD" link to the general counter, which count as nothing),
and about half of the missing items have a footer link to a page that answered 404.

Every page carries ``<meta name="generator" content="roeptoeter demo (SYNTHETIC)">`` and a visible
note; hosts end in ``.demo.invalid`` (a reserved top-level domain), so no real site is implied.
``scale`` does not apply to websites (one site per municipality) and is ignored.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import webcache as cache

GENERATOR = "roeptoeter demo (SYNTHETIC)"
IN_ORDER_2014 = 0.80
IN_ORDER_SLOPE = 0.025  # per year, extrapolated
#: Logit of each e-service for a small municipality (< 50,000 inhabitants) in 2014.
ESERVICE_P_2014 = {
    "eservice_bijstand_aanvragen": 0.28,
    "eservice_inkomenswijziging": 0.30,
    "eservice_werkzoekende": 0.20,
    "eservice_werkgevers": 0.035,
    "eservice_schuldhulp": 0.045,
}
SIZE_SHIFT = {"S": 0.0, "M": 0.6, "L": 1.2}
YEAR_SHIFT = 0.4  # e-service logit per year after 2014 (extrapolated)

ITEM_PAGES = {
    "bijstand": (
        "bijstand",
        "Bijstand",
        "Heeft u te weinig geld om van te leven? Dan kunt u misschien een bijstandsuitkering krijgen. "
        "Op deze pagina leest u de voorwaarden en hoe u de uitkering aanvraagt. U meldt zich eerst "
        "bij het loket; binnen acht weken krijgt u een besluit.",
    ),
    "participatiewet": (
        "participatiewet",
        "Participatiewet",
        "Vanaf 1 januari 2015 geldt de Participatiewet. Deze wet vervangt de Wet werk en bijstand, "
        "de Wsw en een deel van de Wajong. Hier leest u wat de Participatiewet voor u verandert.",
    ),
    "reintegratie": (
        "re-integratie",
        "Re-integratie",
        "Wij helpen u op weg naar betaald werk. Samen met u maken wij een plan voor re-integratie, "
        "bijvoorbeeld met een jobcoach of een leerwerktraject.",
    ),
    "werkgevers": (
        "werkgevers",
        "Voor werkgevers",
        "Het werkgeversservicepunt in onze regio helpt werkgevers bij het vinden van personeel. "
        "Wij denken mee over vacatures, proefplaatsingen en loonkostensubsidie.",
    ),
    "schuldhulp": (
        "schuldhulpverlening",
        "Schuldhulpverlening",
        "Heeft u schulden of dreigt u in de problemen te komen? Onze schuldhulpverlening helpt u "
        "een overzicht te maken en samen zoeken we een oplossing, bijvoorbeeld budgetbeheer.",
    ),
    "minimaregelingen": (
        "minimaregelingen",
        "Minimaregelingen",
        "Heeft u een laag inkomen? Dan kunt u gebruikmaken van onze minimaregelingen, zoals "
        "kwijtschelding van gemeentelijke belastingen en de individuele inkomenstoeslag.",
    ),
}
ESERVICE_LINKS = {
    "eservice_bijstand_aanvragen": ("formulier/bijstand-aanvragen",
                                    "Bijstandsuitkering aanvragen (inloggen met DigiD)"),
    "eservice_inkomenswijziging": ("formulier/inkomsten-doorgeven",
                                   "Wijziging in uw inkomsten doorgeven met DigiD"),
    "eservice_werkzoekende": ("formulier/inschrijven-werkzoekende",
                              "Online inschrijven als werkzoekende"),
    "eservice_werkgevers": ("formulier/vacature-melden",
                            "Vacature melden voor werkgevers (e-formulier)"),
    "eservice_schuldhulp": ("formulier/schuldhulp-aanmelden",
                            "Online aanmelden voor hulp bij schulden (inloggen met DigiD)"),
}
OTHER_PAGES = [("afval", "Afval")]  # one page outside work & income (keeps the demo small)


def slug(name: str) -> str:
    """ASCII host label for a municipality name (``'s-Hertogenbosch`` -> ``s-hertogenbosch``)."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def in_order_share(year: int) -> float:
    """Target share with information in order: 0.80 in 2014, extrapolated linearly elsewhere."""
    return float(np.clip(IN_ORDER_2014 + IN_ORDER_SLOPE * (int(year) - 2014), 0.55, 0.97))


def eservice_probability(item: str, size_class: str | None, year: int) -> float:
    """Probability that a municipality of ``size_class`` has e-service ``item`` in ``year``."""
    p = ESERVICE_P_2014[item]
    logit = np.log(p / (1 - p)) + SIZE_SHIFT.get(str(size_class), 0.0)
    logit += YEAR_SHIFT * (int(year) - 2014)
    return float(1 / (1 + np.exp(-logit)))


def draw_profiles(munis: pd.DataFrame, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """Which items and e-services each municipality's demo site has (the generator's truth).

    Returns
    -------
    DataFrame
        ``gm_code``, one bool column per information item and e-service, ``in_order`` (target),
        ``footer_404`` (semicolon-separated missing items that get a footer link to a 404 page).
    """
    n = len(munis)
    items = list(ITEM_PAGES)
    others = items[1:]
    k = int(round(in_order_share(year) * n))
    order = rng.permutation(n)
    target = np.zeros(n, dtype=bool)
    target[order[:k]] = True
    rows = []
    sizes = munis["size_class"].astype(object).to_numpy()
    for i in range(n):
        has = dict.fromkeys(items, True)
        if target[i]:
            if rng.random() < 0.45:
                has[others[rng.integers(len(others))]] = False
        elif rng.random() < 0.35:
            has["bijstand"] = False
            for j in rng.choice(len(others), size=rng.integers(0, 3), replace=False):
                has[others[j]] = False
        else:
            for j in rng.choice(len(others), size=rng.integers(2, 4), replace=False):
                has[others[j]] = False
        row = {"gm_code": munis["gm_code"].iloc[i], **has, "in_order": bool(target[i])}
        for e in ESERVICE_P_2014:
            row[e] = bool(rng.random() < eservice_probability(e, sizes[i], year))
        missing = [it for it in items if not has[it]]
        row["footer_404"] = ";".join(m for m in missing if rng.random() < 0.5)
        rows.append(row)
    return pd.DataFrame(rows)


def _page(title: str, body: str, site_name: str, base: str, note: str) -> str:
    t = html.escape
    return (
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta name=\"generator\" content=\"{GENERATOR}\">\n"
        f"<title>{t(title)} | Gemeente {t(site_name)}</title>\n</head>\n<body>\n"
        f"<header><a href=\"{base}\">Gemeente {t(site_name)}</a>"
        f"<nav><a href=\"{base}werk-en-inkomen\">Werk en inkomen</a> "
        f"<a href=\"{base}afval\">Afval</a></nav></header>\n"
        f"<div class=\"demo-note\"><strong>DEMODATA (synthetisch)</strong>: {t(note)}</div>\n"
        f"<main>\n<h1>{t(title)}</h1>\n{body}\n</main>\n"
    )


def _footer(base: str, links: list[tuple[str, str]], loket: str) -> str:
    items = "".join(f"<li><a href=\"{base}{href}\">{html.escape(text)}</a></li>"
                    for href, text in links)
    return (
        f"<footer><ul>{items}<li><a href=\"{loket}mijn\">Inloggen met DigiD</a></li>"
        f"<li><a href=\"{base}contact\">Contact</a></li></ul></footer>\n</body>\n</html>\n"
    )


def site_pages(prof: pd.Series, name: str, year: int) -> tuple[str, list[tuple[str, int, int, str]]]:
    """The home URL and pages of one demo site: (url, depth, status, html) per page."""
    host = f"www.{slug(name)}.demo.invalid"
    base = f"https://{host}/"
    loket = f"https://loket.{slug(name)}.demo.invalid/"
    calibrated = int(year) == 2014
    note = (f"voorbeeldsite gemaakt door roeptoeter voor {year}; geen echte gemeentelijke website. "
            + ("Gekalibreerd op SIM groep 2014." if calibrated else "Geëxtrapoleerd, niet gekalibreerd."))
    footer_links = [("werk-en-inkomen", "Werk en inkomen"), ("privacy", "Privacy")]
    for item in filter(None, str(prof["footer_404"]).split(";")):
        footer_links.append((f"werk-en-inkomen/{ITEM_PAGES[item][0]}", ITEM_PAGES[item][1]))
    foot = _footer(base, footer_links, loket)
    pages: list[tuple[str, int, int, str]] = []
    home_links = "".join(f"<li><a href=\"{base}{h}\">{html.escape(x)}</a></li>"
                         for h, x in [("werk-en-inkomen", "Werk en inkomen"), *OTHER_PAGES])
    home_body = (f"<p>Welkom op de website van de gemeente {html.escape(name)}.</p>\n"
                 f"<ul class=\"tiles\">{home_links}</ul>")
    pages.append((base, 0, 200, _page("Home", home_body, name, base, note) + foot))
    sub = [(f"{base}werk-en-inkomen/{ITEM_PAGES[i][0]}", ITEM_PAGES[i][1])
           for i in ITEM_PAGES if prof[i]]
    sub_links = "".join(f"<li><a href=\"{u}\">{html.escape(x)}</a></li>" for u, x in sub)
    eserv = "".join(f"<li><a href=\"{loket}{ESERVICE_LINKS[e][0]}\">"
                    f"{html.escape(ESERVICE_LINKS[e][1])}</a></li>"
                    for e in ESERVICE_LINKS if prof[e])
    body = "<p>Op deze pagina vindt u de onderwerpen van de afdeling Sociale Zaken.</p>\n"
    body += f"<ul>{sub_links}</ul>\n"
    if eserv:
        body += f"<h2>Direct regelen</h2>\n<ul class=\"eservices\">{eserv}</ul>\n"
    pages.append((f"{base}werk-en-inkomen", 1, 200,
                  _page("Werk en inkomen", body, name, base, note) + foot))
    for href, title in OTHER_PAGES:
        text = f"<p>Informatie over {html.escape(title.lower())} in onze gemeente.</p>"
        pages.append((f"{base}{href}", 1, 200, _page(title, text, name, base, note) + foot))
    for item, (path, title, text) in ITEM_PAGES.items():
        url = f"{base}werk-en-inkomen/{path}"
        if prof[item]:
            body = f"<p>{html.escape(text)}</p>\n<p><a href=\"{base}contact\">Neem contact op</a></p>"
            pages.append((url, 2, 200, _page(title, body, name, base, note) + foot))
        elif item in str(prof["footer_404"]).split(";"):
            pages.append((url, 1, 404, ""))
    return base, pages


def write_raw(
    munis: pd.DataFrame, year: int, rng: np.random.Generator, dest: Path, scale: float = 1.0
) -> list[Path]:
    """Write the demo website cache for ``munis`` into ``dest/web/`` and return the files written.

    Parameters
    ----------
    munis : DataFrame
        Municipalities of the year (register rows: ``gm_code``, ``short_name``, ``size_class``).
    year : int
        The study year.
    rng : numpy Generator
        The web source's own random stream (``helpers.demo.rng_for(seed, year, "web")``).
    dest : Path
        The demo folder; pages go to ``dest/web/<gm_code>/``.
    scale : float
        Ignored (one site per municipality).
    """
    dest = Path(dest)
    profiles = draw_profiles(munis.reset_index(drop=True), year, rng)
    days = rng.integers(0, 61, size=len(munis))
    start = dt.datetime(int(year), 9, 1, 9, 0, tzinfo=dt.UTC)
    written: list[Path] = []
    sites = []
    names = munis["short_name"] if "short_name" in munis else munis["name"]
    for i, (gm, name) in enumerate(zip(munis["gm_code"], names, strict=True)):
        home, pages = site_pages(profiles.iloc[i], str(name), year)
        sites.append((gm, home))
        folder = cache.site_dir(dest, gm)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = start + dt.timedelta(days=int(days[i]), minutes=int(i % 400))
        robots_url = home + "robots.txt"
        robots = b"User-agent: *\nDisallow: /zoeken\n"
        lines = [cache.index_entry(robots_url, status=200, content_type="text/plain",
                                   file=cache.page_key(robots_url) + ".txt", depth=None,
                                   kind="robots", fetched_at=t0)]
        (folder / lines[0]["file"]).write_bytes(robots)
        written.append(folder / lines[0]["file"])
        for k, (url, depth, status, text) in enumerate(pages, start=1):
            name_ = None
            if status == 200:
                name_ = cache.page_key(url) + ".html"
                (folder / name_).write_bytes(text.encode("utf-8"))
                written.append(folder / name_)
            lines.append(cache.index_entry(
                url, status=status, content_type="text/html; charset=utf-8", file=name_,
                depth=depth, kind="page", fetched_at=t0 + dt.timedelta(seconds=2 * k)))
        index = folder / cache.INDEX_FILE
        index.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in lines),
                         encoding="utf-8", newline="\n")
        written.append(index)
    sites_path = dest / "web" / cache.SITES_FILE
    pd.DataFrame(sites, columns=["gm_code", "url"]).to_csv(sites_path, index=False,
                                                           lineterminator="\n")
    written.append(sites_path)
    return written
