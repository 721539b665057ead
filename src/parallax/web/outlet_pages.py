"""The outlet pages: ``/outlets`` (every outlet, its leaning with the source) and ``/outlets/ID``
(facts with their sources, the profile from text, recent stories). The data is
``parallax.corpus.profiles.describe_outlets``, asked of a corpus source."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from parallax.errors import StoreError
from parallax.web.pages import get_source, need_source
from parallax.web.rendering import render_page

router = APIRouter(include_in_schema=False)

# Profile keys -> what the page calls them.
PROFILE_LABELS = {
    "analysed_articles": "Analysed articles",
    "analysed_stories": "Analysed stories",
    "loaded_per_1000_words": "Loaded words per 1,000 words",
    "judging_verbs_per_1000_words": "Judging attribution verbs per 1,000 words",
    "hedges_per_1000_words": "Hedges per 1,000 words",
    "exclusive_share": "Share of its claims that no other outlet states",
    "omitted_share": "Share of well-supported claims it leaves out",
    "anonymous_share": "Share of its cited sources that are anonymous",
    "copies": "Articles copied from another outlet",
    "copied": "Times another outlet copied it",
    "syndicated_share": "Share of syndicated articles",
}


def outlet_entries(request: Request, name: str | None = None) -> list[dict[str, Any]]:
    """The described outlets of the corpus behind the app (404 without one, or for an unknown outlet)."""
    source = need_source(request)
    describe = getattr(source, "describe_outlets", None)
    if describe is None:
        return []
    try:
        entries: list[dict[str, Any]] = describe(None if name is None else f"#{name}")
    except StoreError as error:
        raise HTTPException(404, str(error)) from error
    return entries


@router.get("/outlets", response_class=HTMLResponse)
def outlets_page(request: Request) -> Response:
    if get_source(request) is None:
        return render_page(request, "welcome.html.j2")
    entries = outlet_entries(request)
    side = request.query_params.get("leaning", "")
    country = request.query_params.get("country", "")
    shown = [
        e
        for e in entries
        if (not side or leaning_side(e) == side) and (not country or (e.get("country") or "") == country)
    ]
    countries = sorted({e["country"] for e in entries if e.get("country")})
    return render_page(
        request,
        "outlets.html.j2",
        outlets=shown,
        total=len(entries),
        side=side,
        country=country,
        countries=countries,
    )


def leaning_side(entry: dict[str, Any]) -> str:
    from parallax.corpus.outlet_names import side_of

    return side_of(entry.get("leaning")) or ""


def one_outlet(request: Request, outlet_id: str) -> dict[str, Any]:
    """The described outlet ``outlet_id`` (404 for a malformed id, an unknown outlet or no registry)."""
    if not outlet_id.isdigit():
        raise HTTPException(404, f"'{outlet_id[:40]}' is not an outlet id")
    entries = outlet_entries(request, outlet_id)
    if not entries:
        raise HTTPException(404, "This server's stories have no outlet registry.")
    return entries[0]


@router.get("/outlets/{outlet_id}", response_class=HTMLResponse)
def outlet_page(request: Request, outlet_id: str) -> Response:
    outlet = one_outlet(request, outlet_id)
    return render_page(request, "outlet.html.j2", outlet=outlet, labels=PROFILE_LABELS)
