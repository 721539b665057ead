"""The Jinja2 environment of the HTML report: every template autoescapes.

Templates live in ``render/templates/``. Values passed to a template are
escaped unless they are ``Markup`` built by our own code from escaped parts,
so article text (untrusted) can never become markup.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from parallax.render.sections import anchor


def make_environment(package: str) -> Environment:
    """An autoescaping template environment, strict about missing values, for ``package``'s templates."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def get_environment() -> Environment:
    """The shared, autoescaping template environment of the reports."""
    env = make_environment("parallax.render")
    env.filters["anchor"] = anchor_filter
    env.tests["longer_than_one"] = lambda value: len(value) > 1
    return env


def anchor_filter(ident: str, kind: str) -> str:
    """Template filter: ``{{ claim.id | anchor("claim") }}`` -> "claim-c1"."""
    return anchor(kind, ident)


def render_template(name: str, **context: Any) -> Markup:
    """Render one template to markup that is safe to insert into the page."""
    return Markup(get_environment().get_template(name).render(**context))
