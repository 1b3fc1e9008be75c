"""Parameter checking and coercion of the batch runner (helpers.pipeline.params)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.core.errors import ParameterError
from helpers.pipeline.params import coerce, effective, notebook_defaults, parse_defaults, parse_param, resolve

FIXTURES = Path(__file__).parent / "fixtures" / "runner" / "notebooks"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("code=0344", ("code", "0344")), ("a=b=c", ("a", "b=c")), ("seed=", ("seed", "")),
     (" n =3", ("n", "3"))],
)
def test_parse_param_splits_at_the_first_equals(text, expected):
    assert parse_param(text) == expected


@pytest.mark.parametrize("text", ["code", "=3", "1x=3", "a-b=3", ""])
def test_parse_param_rejects_malformed(text):
    with pytest.raises(ParameterError, match="malformed parameter"):
        parse_param(text)


def test_coerce_keeps_leading_zero_for_string_default():
    assert coerce("0344", "0000", name="code", notebook="load") == "0344"


def test_coerce_to_default_types():
    assert coerce("0344", 3, name="n", notebook="load") == 344
    assert coerce("1e3", 2.0, name="f", notebook="x") == 1000.0
    assert isinstance(coerce("7", 2.0, name="f", notebook="x"), float)
    assert coerce("yes", False, name="b", notebook="x") is True
    assert coerce("0", True, name="b", notebook="x") is False
    assert coerce("[1, 2]", None, name="l", notebook="x") == [1, 2]
    assert coerce("twitter", None, name="l", notebook="x") == "twitter"
    assert coerce("['a']", ["b"], name="l", notebook="x") == ["a"]
    assert coerce("twitter, facebook", ["b"], name="l", notebook="x") == ["twitter", "facebook"]
    assert coerce("mastodon", ("b",), name="l", notebook="x") == ("mastodon",)
    assert coerce("{'a': 1}", {}, name="d", notebook="x") == {"a": 1}


@pytest.mark.parametrize(
    ("raw", "default", "expected"),
    [("abc", 3, "an integer"), ("1.5", 3, "an integer"), ("x", 2.0, "a number"),
     ("maybe", False, "true or false"), ("{1: 2}", [1], "a list"), ("a=1", {}, "a dict literal")],
)
def test_coerce_rejects_with_name_and_notebook(raw, default, expected):
    with pytest.raises(ParameterError) as info:
        coerce(raw, default, name="n", notebook="load")
    msg = str(info.value)
    assert "n=" in msg and "notebook load" in msg and expected in msg


def test_parse_defaults_reads_literals_in_order():
    src = 'year = 2014  # study year\nrun_dir = ""\nseed: int = 7\nsources = ["twitter"]\n'
    assert parse_defaults(src) == {"year": 2014, "run_dir": "", "seed": 7, "sources": ["twitter"]}
    assert list(parse_defaults(src)) == ["year", "run_dir", "seed", "sources"]


def test_parse_defaults_rejects_derived_values_and_bad_syntax():
    with pytest.raises(ParameterError, match="not a literal"):
        parse_defaults("year = 2014\nstart = year - 1", notebook="nb")
    with pytest.raises(ParameterError, match="not valid Python"):
        parse_defaults("year = ", notebook="nb")


def test_notebook_defaults_of_fixture():
    assert notebook_defaults(FIXTURES / "load.ipynb") == {
        "year": 2014, "run_dir": "", "lang": "en", "code": "0344", "n": 3, "source": "demo"}


DEFAULTS = {
    "load": {"year": 2014, "run_dir": "", "code": "0344", "n": 3},
    "double": {"year": 2014, "run_dir": "", "factor": 2.0, "n": 1.5},
    "check": {"year": 2014, "fail": False},
}


def test_resolve_gives_each_notebook_only_what_it_declares():
    out = resolve(DEFAULTS, [("code", "0345"), ("n", "4"), ("n", "5")])
    assert out == {"load": {"code": "0345", "n": 5}, "double": {"n": 5.0}, "check": {}}
    assert isinstance(out["double"]["n"], float) and isinstance(out["load"]["n"], int)


def test_resolve_rejects_unknown_and_reserved_names():
    with pytest.raises(ParameterError, match=r"unknown parameter 'colour'.*code, factor, fail, n"):
        resolve(DEFAULTS, [("colour", "red")])
    with pytest.raises(ParameterError, match="--year"):
        resolve(DEFAULTS, [("year", "2015")])
    with pytest.raises(ParameterError, match="set by the runner"):
        resolve(DEFAULTS, [("run_dir", "/tmp/x")])
    with pytest.raises(ParameterError, match="notebook load"):
        resolve(DEFAULTS, [("n", "abc")])


def test_effective_merges_defaults_overrides_and_year_without_run_dir():
    eff = effective(DEFAULTS, {"load": {"code": "0345"}}, 2013)
    assert eff["load"] == {"code": "0345", "n": 3, "year": 2013}
    assert eff["check"] == {"fail": False, "year": 2013}
