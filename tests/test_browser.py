"""Browser check: a year's report.html and outputs/index.html open in headless Chromium.

Builds a small outputs tree (one year with a report rendered by ``finalize_year`` from a hand-built
executed notebook with an embedded PNG, a trends page, and ``index.html`` by ``write_index``), serves
it on a loopback HTTP server and checks in Chromium that the titles are right, that every image
loaded (``naturalWidth > 0``) and that every link of the index resolves (HTTP 200).

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them); skips with the
reason when they are absent.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.present import report

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver",)


def _find(names: tuple[str, ...], extra: tuple[str, ...] = ()) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in extra if Path(p).is_file()), None)


CHROMIUM = _find(BROWSERS, ("/usr/bin/chromium", "/usr/lib/chromium/chromium"))
DRIVER = _find(DRIVERS, ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"))

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason=(
        "headless browser check needs Chromium and chromedriver "
        f"(found browser={CHROMIUM}, driver={DRIVER}); on Debian/Ubuntu: "
        "apt-get install chromium chromium-driver"
    ),
)


#: Records as the notebooks write them: record names, codes, group and reason keys, keys in notes.
RECORDS = [
    ("interaction", "top_interaction_gm_code", "GM0344", "gm_code", "highest interaction share"),
    ("interaction", "top_interaction_share", 0.8481675, "proportion",
     "Utrecht: replies to others / (replies to others + originals)"),
    ("survey", "most_enthusiastic_groups", "college;communicatie;kcc;raad", "groups", "top four"),
    ("survey", "top_reasons", "fear_of_workload;lack_of_affinity", "reasons", "base 208 respondents"),
    ("websites", "rare_eservices", "eservice_schuldhulp;eservice_werkgevers", "items", "share below 10%"),
    ("monitoring", "monitoring_p", 0.0, "p-value", "addressed vs indirect"),
    ("collect", "n_skipped", 0, "items", "on_bad_input=error"),
    ("collect", "n_posts", 64228, "posts", "own posts"),
    ("response_time", "response_mean_hours", 23.368995, "hours", "mean over answered questions"),
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


def _year(folder: Path) -> None:
    """A finished demo year: figure, provenance, manifest and an executed report notebook."""
    import matplotlib.pyplot as plt
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from helpers.present import viz

    fig = viz.distribution([1, 2, 2, 3], title="A figure", xlabel="Value (h)")
    png, _ = viz.save_figure(fig, folder / "figures" / "fig", demo=True)
    plt.close(fig)
    (folder / "data").mkdir()
    (folder / "data" / "provenance.json").write_text(json.dumps({"demo": True, "seed": 1}))
    (folder / "manifest.json").write_text(
        json.dumps({"status": "ok", "notebooks": {"08_report": {"end": "2026-11-26T21:00:00Z"}}})
    )
    data = {"image/png": base64.b64encode(png.read_bytes()).decode("ascii"), "text/plain": "<Fig>"}
    # the tables the report notebook shows, built by the same helpers from records with raw keys
    import pandas as pd

    records = pd.DataFrame(RECORDS, columns=["notebook", "name", "value", "unit", "note"])
    names = {"GM0344": "Utrecht"}
    rep = report.replication_table(2014, records)

    def html_output(text: str):
        return new_output("display_data", data={"text/html": text, "text/plain": "<HTML>"})

    tables = [report.table_html(report.headline_table(records, "en", names)[["finding", "value", "basis"]]),
              report.table_html(report.readable_records(records, "en", names)),
              report.table_html(report.readable_replication(rep, "en", names))]
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Findings"),
            new_code_cell("run.banner()", outputs=[html_output(report.demo_banner("en", 1))]),
            new_code_cell("show()", outputs=[new_output("display_data", data=data)]),
            new_code_cell("tables()", outputs=[html_output(t) for t in tables]),
        ]
    )
    (folder / "notebooks").mkdir()
    nbformat.write(nb, folder / "notebooks" / "08_report.ipynb")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import pandas as pd

    out = tmp_path_factory.mktemp("browser") / "outputs"
    _year(out / "2014")
    report.finalize_year(out / "2014", 2014)
    report.write_page(
        out / "trends" / "report.html",
        "Roeptoeter trends 2014-2014",
        [("note", "Only 2014 has been run."), ("figure", (out / "2014/figures/fig.png", "A figure")),
         report.key_numbers_table(pd.DataFrame(
             [{"year": 2014, "name": "n_municipalities", "value": 403.0, "group": "municipalities"},
              {"year": 2014, "name": "facebook_share", "value": 0.749, "group": "proportion"}]))],
        demo=True,
    )
    report.write_index(out)
    return out


@pytest.fixture(scope="module")
def server(outputs: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(outputs))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One headless Chromium for the module, with a fresh profile folder."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _images(driver) -> list[dict]:
    driver.execute_script("return document.readyState")  # page loaded by driver.get
    return driver.execute_script(
        "return Array.from(document.images).map(i => ({src: i.src.slice(0, 40),"
        " complete: i.complete, width: i.naturalWidth}));"
    )


def test_report_opens_with_title_and_loaded_figures(server, browser):
    browser.get(f"{server}/2014/report.html")
    assert browser.title == "Roeptoeter 2014 report"
    images = _images(browser)
    assert len(images) == 1
    assert all(i["complete"] and i["width"] > 0 for i in images), images
    assert browser.find_element("id", "demo-banner").is_displayed()


def test_report_opens_from_file_without_a_server(outputs, browser):
    browser.get((outputs / "2014" / "report.html").as_uri())
    assert browser.title == "Roeptoeter 2014 report"
    assert all(i["width"] > 0 for i in _images(browser))


def test_index_links_resolve(server, browser):
    browser.get(f"{server}/index.html")
    assert browser.title == "Roeptoeter results"
    links = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);"
    )
    assert sorted(link.removeprefix(server) for link in links) == [
        "/2014/report.html",
        "/trends/report.html",
    ]
    for link in links:
        with urllib.request.urlopen(link, timeout=10) as response:  # noqa: S310 - loopback only
            assert response.status == 200, link
        browser.get(link)
        assert browser.title.startswith("Roeptoeter"), link
        assert all(i["complete"] and i["width"] > 0 for i in _images(browser)), link


PAGES = ("index.html", "2014/report.html", "trends/report.html")


def _visible_text(driver) -> str:
    return driver.execute_script("return document.body.innerText;")


@pytest.mark.parametrize("page", PAGES)
def test_every_image_loads_and_no_raw_key_is_visible(server, browser, page):
    browser.get(f"{server}/{page}")
    images = _images(browser)
    assert all(i["complete"] and i["width"] > 0 for i in images), images
    text = _visible_text(browser)
    assert report.RAW_KEY.findall(text) == [], page
    for code in ("GM0344", "p = 0.0", "0.848167"):
        assert code not in text, (page, code)


def test_report_shows_names_labels_and_formatted_numbers(server, browser):
    browser.get(f"{server}/2014/report.html")
    text = _visible_text(browser)
    for shown in ("Utrecht", "84.8% (Utrecht)", "Fear of workload, Lack of affinity",
                  "Contact centre (KCC)", "< 1e-16", "64,228", "23.4 h"):
        assert shown in text, shown
    aligns = browser.execute_script(
        "return Array.from(document.querySelectorAll('td')).filter(td => td.innerText === 'Utrecht')"
        ".map(td => getComputedStyle(td).textAlign);"
    )
    assert aligns and set(aligns) == {"left"}, aligns


@pytest.mark.parametrize("page", ("2014/report.html", "trends/report.html"))
def test_demo_banner_exactly_once(server, browser, page):
    browser.get(f"{server}/{page}")
    banners = browser.find_elements("css selector", ".demo")
    assert len(banners) == 1 and banners[0].is_displayed(), page
    assert _visible_text(browser).count("DEMO DATA (synthetic)") == 1


def test_profile_page_shows_its_figure(outputs, browser):
    """A profile page as ``roeptoeter profiles`` writes it (nbconvert body in ``render.page``) opens
    with its figure, and the image loads (an embedded PNG with alt text)."""
    import matplotlib.pyplot as plt
    import nbformat
    import pandas as pd
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from helpers.pipeline import render
    from helpers.present import profiles, viz

    df = pd.DataFrame({"share": [0.2, 0.5, 0.3]}, index=["GM0344", "GM0345", "GM0346"])
    fig = viz.profile_strips(df, figures={"share": "Interaction share (%)"},
                             groups={"All municipalities": pd.Series(True, index=df.index)},
                             highlight="GM0344", highlight_label="Utrecht", title="Utrecht 2014")
    img = profiles.figure_html(fig, "Utrecht 2014")
    plt.close(fig)
    nb = new_notebook(cells=[
        new_markdown_cell("# Municipality profile"),
        new_code_cell("show()", outputs=[new_output("display_data", data={"text/html": img})]),
        new_markdown_cell("### Website: work & income checklist"),
    ])
    body, _ = render.exporter().from_notebook_node(nbformat.from_dict(nb))
    path = outputs / "2014" / "profiles" / "GM0344.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render.page(body, "Profile year=2014 gm_code=GM0344"), encoding="utf-8")
    browser.get(path.as_uri())
    assert browser.title == "Profile year=2014 gm_code=GM0344"
    images = _images(browser)
    assert len(images) == 1 and images[0]["complete"] and images[0]["width"] > 100, images
    shown = browser.execute_script("const i = document.images[0]; const r = i.getBoundingClientRect();"
                                   " return [i.alt, r.width > 100, r.height > 50];")
    assert shown == ["Utrecht 2014", True, True]
    # the figure comes before the checklist
    above = browser.execute_script(
        "return document.images[0].getBoundingClientRect().bottom"
        " <= document.querySelector('h3').getBoundingClientRect().top;")
    assert above is True
