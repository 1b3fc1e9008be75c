"""Numbers in English and Dutch (helpers.present.language) and the page text catalogs
(helpers.present.texts)."""

import pytest

from helpers.present import language as lg
from helpers.present import texts


def test_numbers_use_the_decimal_mark_of_the_language():
    assert lg.number(1234.56, 1, "en") == "1,234.6"
    assert lg.number(1234.56, 1, "nl") == "1.234,6"
    assert lg.count(4118, "nl") == "4.118"
    assert lg.count(4118, "en") == "4,118"
    assert lg.percent(0.2413, 1, "nl") == "24,1%"
    assert lg.percent(0.2413, 0, "en") == "24%"
    assert lg.hours(22.54, 1, "nl") == "22,5 uur"
    assert lg.hours(22.54, 1, "en") == "22.5 h"
    assert lg.number(float("nan")) == "–" and lg.percent(None) == "–"


def test_interval_join_and_p_value():
    assert lg.interval(0.2, 0.251, 1, "en") == "95% CI 20.0-25.1%"
    assert lg.interval(0.2, 0.251, 1, "nl") == "95%-BI 20,0-25,1%"
    assert lg.interval(None, 0.3) == ""
    assert lg.interval(0.58, 1.98, 2, "nl", as_percent=False) == "95%-BI 0,58-1,98"
    assert lg.join(["a", "b", "c"], "nl") == "a, b en c"
    assert lg.join(["a", "b"], "en") == "a and b"
    assert lg.p_value(0.0342, "nl") == "p = 0,034"
    assert lg.p_value(0.0, "nl") == "p < 1e-16"
    assert lg.p_value(None, "nl") == "p niet berekend"


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="'en' or 'nl'"):
        lg.pick("de", "x", "y")


@pytest.mark.parametrize("page", texts.pages())
def test_every_catalog_text_has_both_languages_with_the_same_fields(page):
    assert texts.problems(page) == []
    assert texts.catalog(page), f"{page}.yaml is empty"
