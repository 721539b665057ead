"""Analysis options in the web app: the same settings as ``parallax analyze``, from a query or a form.

Only numbers and switches are taken from a request. Text settings name files
and models on the server (the embedding model, the spaCy pipeline, BABE's
path), which a visitor must not choose; they keep the server's values.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Mapping
from dataclasses import asdict, fields, replace
from typing import Any

from fastapi import HTTPException

from parallax.options import Options

# Setting name -> its Python type, for the settings a request may change.
WEB_SETTINGS: dict[str, type] = {
    name: kind
    for name, kind in typing.get_type_hints(Options).items()
    if kind in (int, float, bool) and name in {f.name for f in fields(Options)}
}
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


def web_settings() -> list[tuple[str, type, Any, str]]:
    """(name, type, default, help) of each setting a request may change, in declaration order."""
    return [
        (f.name, WEB_SETTINGS[f.name], f.default, f.metadata.get("help", ""))
        for f in fields(Options)
        if f.name in WEB_SETTINGS
    ]


def convert(name: str, raw: str) -> Any:
    """A request's text for one setting as the setting's type; HTTP 400 with the reason otherwise."""
    kind = WEB_SETTINGS[name]
    text = raw.strip()
    try:
        if kind is bool:
            if text.lower() in TRUE:
                return True
            if text.lower() in FALSE:
                return False
            raise ValueError(text)
        value = kind(text)
    except ValueError:
        shown = {bool: "yes or no", int: "an integer"}.get(kind, "a number")
        raise HTTPException(400, f"The option {name} must be {shown}, not {raw[:40]!r}.") from None
    if isinstance(value, float) and value != value:  # NaN passes float() but no range
        raise HTTPException(400, f"The option {name} must be a number, not {raw[:40]!r}.")
    return value


def options_from_params(params: Mapping[str, str], base: Options | None = None) -> Options:
    """The analysis options a query string or form asks for (dashes or underscores), over ``base``.

    Raises HTTP 400 naming the setting when a value cannot be used.
    """
    changes: dict[str, Any] = {}
    for key, raw in params.items():
        name = key.replace("-", "_")
        if name in WEB_SETTINGS and raw.strip():
            changes[name] = convert(name, raw)
    try:
        return replace(base or Options(), **changes)
    except (ValueError, TypeError) as exc:  # the Options' own checks of ranges
        raise HTTPException(400, f"Those analysis options cannot be used: {exc}") from None


def options_params(options: Options) -> dict[str, str]:
    """The settings of ``options`` that differ from the defaults, as query parameters."""
    default = Options()
    return {
        name: str(getattr(options, name)).lower() if kind is bool else str(getattr(options, name))
        for name, kind in WEB_SETTINGS.items()
        if getattr(options, name) != getattr(default, name)
    }


def options_key(options: Options) -> str:
    """A stable text naming every setting's value (for caches keyed on the options)."""
    return json.dumps(asdict(options), sort_keys=True, default=str)
