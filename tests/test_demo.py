"""The demo orchestration: sample selection and independent random streams per source."""

from __future__ import annotations

from helpers import demo


def test_full_year_is_the_register():
    assert len(demo.select_municipalities(2014, seed=1)) == 403


def test_sample_keeps_the_anchors_and_is_deterministic():
    a = demo.select_municipalities(2014, seed=1, sample=30)
    b = demo.select_municipalities(2014, seed=1, sample=30)
    c = demo.select_municipalities(2014, seed=2, sample=30)
    assert len(a) == 30
    assert {"GM0344", "GM1924", "GM0717"} <= set(a["gm_code"])
    assert a["gm_code"].tolist() == b["gm_code"].tolist()
    assert a["gm_code"].tolist() != c["gm_code"].tolist()
    assert a["gm_code"].is_monotonic_increasing


def test_sources_have_independent_streams():
    x = demo.rng_for(1, 2014, "social").random(3)
    y = demo.rng_for(1, 2014, "survey").random(3)
    assert (x != y).all()
    assert (demo.rng_for(1, 2014, "social").random(3) == x).all()
