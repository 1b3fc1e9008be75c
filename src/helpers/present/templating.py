"""HTML from Jinja2 templates: the one environment every page of the project is rendered with.

The templates live in ``helpers/present/templates/*.html.j2`` (package data, found by
:class:`jinja2.PackageLoader` in an editable install and in a wheel alike). Escaping is on by default:
every ``{{ value }}`` is escaped unless the value is :class:`markupsafe.Markup`, which a caller uses
only for HTML that is already safe (an nbconvert body, a figure's base64 ``<img>``), saying why.

Must not import: anything from :mod:`helpers` (a leaf of the present layer).
"""

from __future__ import annotations

import html
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup


def escape(value: Any) -> Markup:
    """``value`` as HTML text: :class:`Markup` unchanged, anything else through :func:`html.escape`.

    The templates' default escaping. It escapes the same five characters as markupsafe
    (``& < > " '``) but writes quotes as ``&quot;`` and ``&#x27;``, as the pages did before they
    were templates, so a page's bytes did not change with the move.

    Parameters
    ----------
    value : Any
        A template expression's value; ``str(value)`` is escaped.

    Returns
    -------
    Markup
        Safe HTML (Jinja2's autoescape leaves it as it is).
    """
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(html.escape(str(value), quote=True))


@cache
def environment() -> Environment:
    """The project's Jinja2 environment (one per process).

    Autoescape for ``*.html.j2`` and ``*.html`` templates (and for any other, to be safe), every
    expression escaped by :func:`escape`, undefined names an error, and whitespace exactly as the
    template file has it except a ``{%`` tag's own line end (``trim_blocks``) and indentation
    (``lstrip_blocks``); the file's final newline is kept.
    """
    return Environment(
        loader=PackageLoader("helpers.present", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=True),
        finalize=escape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> str:
    """Render ``templates/<template>`` with ``context``; values are escaped unless they are Markup.

    Parameters
    ----------
    template : str
        File name under ``helpers/present/templates`` (e.g. ``"page.html.j2"``).
    **context
        The template's variables.

    Returns
    -------
    str
        The HTML text.
    """
    return environment().get_template(template).render(**context)
