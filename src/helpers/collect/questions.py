"""The rule that marks a citizen message as a question, the theme rule, and its check against hand coding.

Response time is measured on *questions* put to a municipality, not on every mention, so the
collection needs a rule that a reviewer can read and test. :func:`is_question` is that rule, for
Dutch social-media text:

1. Clean the text: drop URLs (a ``?`` in a URL query string is not a question), @mentions,
   a leading ``RT``/``"@``, and the ``#`` of hashtags; collapse whitespace; lower-case.
2. **Exclusions** (checked first; they win over the inclusions):
   - *tag questions* whose only ``?`` closes a confirmation tag: ``..., toch?``, ``hè?``,
     ``he?``, ``niet?``, ``of niet?``, ``joh?`` — the writer states, does not ask;
   - *exclamative openers* without a ``?``: ``wat een``, ``wat mooi/fijn/leuk/goed/jammer``,
     ``hoe mooi/leuk/fijn`` ("what a ...", "how nice");
   - *rhetorical-sarcastic* ``?`` followed by ``!`` twice or more (``?!!``) is still a question;
     a bare ``?!`` is counted as a question too (complaints that ask are questions).
3. **Inclusions** (any one suffices):
   - a ``?`` in the cleaned text;
   - an *interrogative opener* at the start of a sentence: ``wie, wat, waar, wanneer, waarom,
     hoe, hoeveel, hoelang, welke, welk, waarheen, waarvoor``;
   - a *verb-first* sentence start with a modal or auxiliary verb and a subject (Dutch yes/no
     questions invert subject and verb): ``kan/kun/kunt/kunnen/mag/mogen/moet/moeten/is/zijn/
     heeft/hebben/wordt/worden/gaat/gaan/komt/komen/zal/zullen/zou/zouden/weet/weten/klopt`` followed
     by ``ik/je/jij/u/jullie/we/wij/er/het/de/dit/dat/die/iemand/men``;
   - a *request phrase* anywhere: ``graag horen``, ``hoor graag``, ``ik vraag me af``, ``vraagje``,
     ``wie weet``, ``weet iemand``, ``kunt u``, ``kunnen jullie``, ``zou u``, ``zouden jullie``,
     ``graag reactie``, ``graag antwoord``, ``ik wil graag weten``, ``info graag``, ``hulp nodig``.

The rule was checked against a sample of citizen messages that the project hand-coded
(``data/reference/question_sample.csv``: ``text``, ``is_question_hand``; written and coded by the
Roeptoeter project, not taken from any real account). :func:`agreement` reports Cohen's kappa.

:func:`theme_of` assigns one policy theme (:data:`helpers.core.schemas.THEMES`) by keywords, first
match in the order of :data:`THEME_KEYWORDS`, else ``overig`` (other).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core.paths import reference_dir

SAMPLE_FILE = "question_sample.csv"

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<!\w)@\w+")
_LEAD = re.compile(r"^\s*(rt\b:?|\")\s*", re.IGNORECASE)
_SPACE = re.compile(r"\s+")

OPENERS = (
    "wie", "wat", "waar", "wanneer", "waarom", "hoe", "hoeveel", "hoelang", "welke", "welk",
    "waarheen", "waarvoor",
)
VERBS = (
    "kan", "kun", "kunt", "kunnen", "mag", "mogen", "moet", "moeten", "is", "zijn", "heeft",
    "hebben", "wordt", "worden", "gaat", "gaan", "komt", "komen", "zal", "zullen", "zou", "zouden",
    "weet", "weten", "klopt",
)
SUBJECTS = (
    "ik", "je", "jij", "u", "jullie", "we", "wij", "er", "het", "de", "dit", "dat", "die",
    "iemand", "men",
)
REQUESTS = (
    "graag horen", "hoor graag", "ik vraag me af", "vraagje", "wie weet", "weet iemand", "kunt u",
    "kunnen jullie", "zou u", "zouden jullie", "graag reactie", "graag antwoord",
    "ik wil graag weten", "info graag", "hulp nodig",
)
TAGS = ("toch", "hè", "he", "niet", "of niet", "joh")
EXCLAMATIVES = (
    "wat een", "wat mooi", "wat fijn", "wat leuk", "wat goed", "wat jammer", "hoe mooi",
    "hoe leuk", "hoe fijn",
)

_SENTENCE = re.compile(r"(?:^|[.!?;:]\s+)([^.!?;:]+)")
_OPENER = re.compile(r"^(?:" + "|".join(OPENERS) + r")\b")
_VERB_FIRST = re.compile(r"^(?:" + "|".join(VERBS) + r")\s+(?:" + "|".join(SUBJECTS) + r")\b")
_REQUEST = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in REQUESTS) + r")\b")
_TAG_END = re.compile(r",?\s*\b(?:" + "|".join(TAGS) + r")\s*\?+\s*$")
_EXCLAMATIVE = re.compile(r"^(?:" + "|".join(EXCLAMATIVES) + r")\b")

#: Theme -> keywords (lower-case substrings), tried in this order.
THEME_KEYWORDS: dict[str, tuple[str, ...]] = {
    "afval": ("afval", "container", "vuilnis", "vuil", "milieustraat", "kliko", "gft"),
    "verkeer": ("parkeer", "parkeren", "verkeer", "weg ", "wegwerk", "fiets", "straatverlichting",
                "lantaarn", "stoep", "drempel", "bus"),
    "zorg": ("zorg", "wmo", "jeugd", "mantelzorg", "thuiszorg", "huishoudelijke hulp"),
    "werk_inkomen": ("uitkering", "bijstand", "werk ", "inkomen", "participatie", "schuld"),
    "veiligheid": ("veilig", "inbraak", "politie", "overlast", "brand", "hangjongeren"),
    "evenementen": ("evenement", "festival", "koningsdag", "markt", "vergunning", "kermis"),
    "belastingen": ("belasting", "ozb", "aanslag", "rioolheffing", "woz"),
}


def clean(text: str) -> str:
    """Text as the rule reads it: no URLs, @mentions or leading RT, ``#`` dropped, lower case."""
    t = _URL.sub(" ", str(text))
    t = _LEAD.sub("", t)
    t = _MENTION.sub(" ", t)
    t = t.replace("#", "")
    return _SPACE.sub(" ", t).strip().lower()


def _sentences(t: str) -> list[str]:
    return [m.group(1).strip() for m in _SENTENCE.finditer(t) if m.group(1).strip()]


def is_question(text: str) -> bool:
    """Whether a citizen message asks the municipality something, by the rule in the module docstring.

    Parameters
    ----------
    text : str
        The message text as posted (mentions, URLs and hashtags may be present).

    Returns
    -------
    bool
    """
    t = clean(text)
    if not t:
        return False
    n_q = t.count("?")
    if n_q == 1 and _TAG_END.search(t):
        return False
    sentences = _sentences(t)
    if n_q == 0 and sentences and all(_EXCLAMATIVE.match(s) for s in sentences):
        return False
    if n_q:
        return True
    if _REQUEST.search(t):
        return True
    return any(_OPENER.match(s) and not _EXCLAMATIVE.match(s) or _VERB_FIRST.match(s)
               for s in sentences)


def theme_of(text: str) -> str:
    """The policy theme of a message: the first theme in :data:`THEME_KEYWORDS` whose keyword occurs."""
    t = " " + clean(text) + " "
    for theme, words in THEME_KEYWORDS.items():
        if any(w in t for w in words):
            return theme
    return "overig"


def classify(texts: pd.Series) -> pd.DataFrame:
    """``is_question`` and ``theme`` for a Series of texts (same index)."""
    values = texts.astype(str).tolist()
    return pd.DataFrame(
        {"is_question": [is_question(v) for v in values], "theme": [theme_of(v) for v in values]},
        index=texts.index,
    )


def cohens_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two binary codings: (p_o - p_e) / (1 - p_e).

    ``p_o`` is the observed agreement, ``p_e`` the agreement expected from the two coders' marginal
    shares. Returns NaN when ``p_e == 1`` (both coders used one category only).
    """
    a, b = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("two codings of the same non-empty set of messages are needed")
    p_o = float(np.mean(a == b))
    pa, pb = a.mean(), b.mean()
    p_e = float(pa * pb + (1 - pa) * (1 - pb))
    if p_e == 1.0:
        return float("nan")
    return (p_o - p_e) / (1 - p_e)


def load_sample(path: Path | None = None) -> pd.DataFrame:
    """The hand-coded sample: ``text`` and ``is_question_hand`` (bool)."""
    path = path or reference_dir() / SAMPLE_FILE
    df = pd.read_csv(path, dtype={"text": str}, keep_default_na=False)
    df["is_question_hand"] = df["is_question_hand"].astype(int).astype(bool)
    return df


def agreement(sample: pd.DataFrame | None = None) -> dict[str, float]:
    """Agreement of :func:`is_question` with the hand coding of ``sample``.

    Parameters
    ----------
    sample : DataFrame, optional
        Columns ``text`` and ``is_question_hand``; default the shipped sample.

    Returns
    -------
    dict
        ``kappa`` (Cohen's kappa), ``n`` (messages), ``accuracy`` (share of equal codings),
        ``rule_share`` and ``hand_share`` (share coded as question by each).
    """
    sample = load_sample() if sample is None else sample
    hand = sample["is_question_hand"].astype(bool).to_numpy()
    rule = np.array([is_question(t) for t in sample["text"]])
    return {
        "kappa": cohens_kappa(hand, rule),
        "n": int(len(sample)),
        "accuracy": float(np.mean(hand == rule)),
        "rule_share": float(rule.mean()),
        "hand_share": float(hand.mean()),
    }
