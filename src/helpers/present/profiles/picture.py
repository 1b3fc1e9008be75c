"""The profile's one picture: for each key figure, where the municipality sits among all
municipalities and its peer groups (:func:`helpers.present.viz.profile_strips`), its title, and the
figure as an embedded image.

Imports nothing from helpers.pipeline.
"""

from __future__ import annotations

import pandas as pd

from helpers.present.profiles.peers import COMPARED

#: Key figures of the profile's picture: column -> axis label with unit (en, nl). Higher is better
#: except for the median reply time (see :data:`COMPARED`).
PICTURE: dict[str, dict[str, str]] = {
    "interaction_share": {"en": "Interaction share (%)", "nl": "Interactieaandeel (%)"},
    "km_median": {"en": "Median time to first reply (hours)",
                  "nl": "Mediane tijd tot eerste antwoord (uren)"},
    "answer_rate": {"en": "Citizen questions answered (%)", "nl": "Beantwoorde vragen van burgers (%)"},
    "indirect_reaction_share": {"en": "Reaction to messages not addressed to it (%)",
                                "nl": "Reactie op berichten niet aan de gemeente (%)"},
    "info_score": {"en": "Work & income information items (of 6)",
                   "nl": "Werk & inkomen: informatie-onderdelen (van 6)"},
    "eservice_score": {"en": "Work & income e-services (of 5)", "nl": "Werk & inkomen: e-diensten (van 5)"},
}
#: Where the method of the profile is explained (relative to ``outputs/<year>/profiles/<gm>.html``).
METHODS_LINK = "../../../docs/methods.md#municipality-profiles"
_PERCENT = {"interaction_share", "answer_rate", "indirect_reaction_share", "km_within_2h"}


def picture_figures(kf: pd.DataFrame) -> list[str]:
    """The :data:`PICTURE` columns that at least one municipality has (its source was collected)."""
    return [c for c in PICTURE if c in kf and pd.to_numeric(kf[c], errors="coerce").notna().any()]


def better_than_median(kf: pd.DataFrame, gm_code: str) -> tuple[int, int]:
    """On how many picture figures the municipality is strictly better than the median of all.

    Returns
    -------
    (int, int)
        Figures where it is better than the median of all municipalities with a value (lower is
        better for the median reply time), and figures where it has a value at all.
    """
    me = kf.loc[kf["gm_code"] == gm_code].iloc[0]
    better = measured = 0
    for col in picture_figures(kf):
        value = pd.to_numeric(pd.Series([me[col]]), errors="coerce").iloc[0]
        if pd.isna(value):
            continue
        median = float(pd.to_numeric(kf[col], errors="coerce").median())
        measured += 1
        higher = COMPARED[col][2]
        better += int(value > median if higher else value < median)
    return better, measured


def picture_title(kf: pd.DataFrame, gm_code: str, year: int, lang: str = "en") -> str:
    """The finding of the picture: ``"Utrecht 2014: better than the median on 4 of 5 key figures"``."""
    name = kf.loc[kf["gm_code"] == gm_code, "name"].iloc[0]
    better, measured = better_than_median(kf, gm_code)
    if measured == 0:
        return (f"{name} {year}: geen kerncijfers gemeten" if lang == "nl"
                else f"{name} {year}: no key figure measured")
    if lang == "nl":
        return f"{name} {year}: beter dan de mediaan op {better} van {measured} kerncijfers"
    return f"{name} {year}: better than the median on {better} of {measured} key figures"


def peer_masks(kf: pd.DataFrame, gm_code: str, lang: str = "en") -> dict[str, pd.Series]:
    """The peer groups as boolean masks on ``kf`` indexed by ``gm_code``, labelled for readers."""
    from helpers.present import viz

    idx = kf.set_index("gm_code")
    me = idx.loc[gm_code]
    masks: dict[str, pd.Series] = {}
    if pd.notna(me["size_class"]):
        size = viz.label(me["size_class"], lang)
        masks[f"{'Grootteklasse' if lang == 'nl' else 'Size class'}: {size}"] = (
            idx["size_class"] == me["size_class"])
    masks[f"{'Provincie' if lang == 'nl' else 'Province'} {me['province']}"] = (
        idx["province"] == me["province"])
    masks[viz.label("all", lang)] = pd.Series(True, index=idx.index)
    return masks


def profile_figure(kf: pd.DataFrame, gm_code: str, year: int, lang: str = "en"):  # noqa: ANN201
    """The profile's one picture (:func:`helpers.present.viz.profile_strips`), or None when nothing
    was measured."""
    from helpers.present import viz

    cols = picture_figures(kf)
    if not cols:
        return None
    idx = kf.set_index("gm_code")
    return viz.profile_strips(
        idx, figures={c: PICTURE[c][lang] for c in cols}, groups=peer_masks(kf, gm_code, lang),
        highlight=gm_code, highlight_label=str(idx.loc[gm_code, "name"]),
        title=picture_title(kf, gm_code, year, lang),
        percent={c: c in _PERCENT for c in cols}, lang=lang)


def figure_html(fig, alt: str, dpi: int = 100) -> str:  # noqa: ANN001
    """An ``<img>`` with the figure as an embedded PNG (``dpi`` dots per inch, no software tag, so the
    same figure gives the same bytes) and ``alt`` text for readers who do not see it."""
    import base64
    import io as _io

    from helpers.present.templating import render

    buf = _io.BytesIO()
    # fixed layout: no tight box; zlib level 3 is as small here as the default 6, and quicker
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return render("figure_img.html.j2", alt=alt, data=data)
