"""The question rule, the theme rule and Cohen's kappa against the hand-coded sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

from helpers.collect import questions as q


@pytest.mark.parametrize("text, expected", [
    ("@gemeenteutrecht Wanneer wordt het grofvuil opgehaald?", True),  # '?'
    ("@gemeenteveere hoeveel kost een rijbewijs", True),  # interrogative opener, no '?'
    ("Kunt u de lantaarnpaal repareren @gemeentezwolle", True),  # verb first + subject / request
    ("Is er een loket zonder afspraak", True),  # verb-first yes/no question
    ("@gemeenteoss info graag over de bijstand", True),  # request phrase
    ("Mooi weer vandaag, toch?", False),  # tag question
    ("Wat een mooie opening van het gemeentehuis!", False),  # exclamative opener
    ("Lees meer: http://t.co/abc?ref=tw", False),  # '?' only inside a URL
    ("@gemeenteutrecht bedankt voor de snelle reactie!", False),
    ("RT @gemeente: Is de milieustraat open", True),
    ("", False),
])
def test_rule(text, expected):
    assert q.is_question(text) is expected


def test_theme():
    assert q.theme_of("De container zit vol") == "afval"
    assert q.theme_of("Parkeren is een drama") == "verkeer"
    assert q.theme_of("Wanneer komt mijn uitkering?") == "werk_inkomen"
    assert q.theme_of("Hallo") == "overig"


def test_kappa_hand_computed_2x2():
    # both yes 20, hand yes / rule no 5, hand no / rule yes 10, both no 15 (n = 50)
    hand = np.array([1] * 20 + [1] * 5 + [0] * 10 + [0] * 15, bool)
    rule = np.array([1] * 20 + [0] * 5 + [1] * 10 + [0] * 15, bool)
    # p_o = 35/50 = 0.7; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.2/0.5 = 0.4
    assert q.cohens_kappa(hand, rule) == pytest.approx(0.4)
    assert sm_kappa(np.array([[20, 5], [10, 15]])).kappa == pytest.approx(0.4)
    assert np.isnan(q.cohens_kappa(np.ones(4, bool), np.ones(4, bool)))


def test_agreement_on_a_small_sample():
    sample = pd.DataFrame({"text": ["Is het open?", "Top!", "Wanneer komt de bus", "Hoe mooi, toch?"],
                           "is_question_hand": [True, False, True, True]})
    got = q.agreement(sample)
    # rule: T, F, T, F -> 3 of 4 agree; hand share 0.75, rule share 0.5
    # p_e = 0.75*0.5 + 0.25*0.5 = 0.5; kappa = (0.75 - 0.5) / 0.5 = 0.5
    assert got["n"] == 4 and got["accuracy"] == 0.75 and got["kappa"] == pytest.approx(0.5)


def test_shipped_sample_agreement():
    sample = q.load_sample()
    assert 60 <= len(sample) <= 80
    got = q.agreement(sample)
    assert got["n"] == len(sample)
    assert got["kappa"] == pytest.approx(0.8565, abs=1e-4)  # value reported in the docs
    assert got["accuracy"] == pytest.approx(67 / 72)
