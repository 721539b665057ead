"""Pages from templates: the web app's Jinja2 environment and ``render_page``.

Every page goes through ``render_page``: autoescaped templates from
``web/templates/``, with what every page needs (whether a corpus is open).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment

from parallax.render.sections import anchor
from parallax.render.templating import make_environment


def count_words(count: int, word: str, many: str = "") -> str:
    """ "1 article", "3 articles"; ``many`` for irregular plurals ("stories")."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


@cache
def get_environment() -> Environment:
    """The web app's template environment: autoescaping, strict about missing values."""
    env = make_environment("parallax.web")
    env.filters["anchor"] = anchor
    env.filters["plural"] = count_words
    return env


def render_page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """One page from its template, with what every page needs."""
    template = get_environment().get_template(name)
    body = template.render(request=request, has_corpus=request.app.state.source is not None, **context)
    return HTMLResponse(body, status_code=status_code)
