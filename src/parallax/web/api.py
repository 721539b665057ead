"""The JSON API under /api/. Reports are ``report_to_dict`` output: the report schema, unchanged."""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import cache
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from parallax.codec import report_to_dict
from parallax.corpus.order import DEFAULT_SORT, SORTS
from parallax.report_schema import load_report_schema
from parallax.web.options import options_from_params, options_params
from parallax.web.outlet_pages import one_outlet, outlet_entries
from parallax.web.pages import need_job, need_source, read_analyse_form, start_analysis
from parallax.web.source import PAGE_SIZE, StoryQuery, StoryRow
from parallax.web.uploads import check_inputs

router = APIRouter(prefix="/api", tags=["api"])

DATE_OR_EMPTY = r"^(\d{4}-\d{2}-\d{2})?$"
REPORT_REF = {"$ref": "#/components/schemas/Report"}
SORT_HELP = "How to order the stories: " + "; ".join(f"`{k}`: {what}" for k, what in SORTS.items()) + "."


class StoryInfo(BaseModel):
    id: str
    title: str
    size: int
    outlets: list[str]
    first: str | None
    last: str | None
    analysed: bool
    article_ids: list[str]
    analysis: str = Field(
        description="current, stale (an analysis of other articles, options or version), pending, "
        "failed, or none (fewer than two outlets: nothing to compare)"
    )
    digest: dict[str, Any] | None = Field(
        None, description="What the stored analysis found: headline, its outlets, claim counts."
    )
    coverage: dict[str, Any] | None = Field(
        None,
        description="Articles and outlets by leaning side, country and owner, with the sources of the "
        "leanings used.",
    )
    blindspot: dict[str, Any] | None = Field(
        None, description="Set when one side barely covers the story: missing, covered_by, share, rule."
    )


class StoryList(BaseModel):
    total: int
    offset: int
    limit: int
    stories: list[StoryInfo]


class JobStatus(BaseModel):
    id: str
    title: str
    state: str
    step: str
    done_steps: int
    total_steps: int
    progress: float
    error: str | None


def story_model(row: StoryRow) -> StoryInfo:
    return StoryInfo(**asdict(row))


@router.get(
    "/stories",
    response_model=StoryList,
    summary="Search the stories of the corpus",
    description="By default the most widely covered recent stories come first (distinct outlets, "
    "then the latest article's date, then id) and only stories from two or more outlets are listed; "
    "`min_outlets=1` (or `single=true`) includes the single-outlet stories.",
)
def list_stories(
    request: Request,
    q: str = Query("", description="Words that must all appear in the story title."),
    outlet: str = Query("", description="Only stories with an article from this outlet."),
    leaning: str = Query(
        "", pattern=r"^(left|center|right)?$", description="Only stories covered by an outlet of this side."
    ),
    country: str = Query(
        "", max_length=100, description="Only stories covered by an outlet of this country."
    ),
    blindspot: bool = Query(False, description="Only the stories one side barely covers."),
    since: str = Query("", pattern=DATE_OR_EMPTY, description="Stories ending on or after this date."),
    until: str = Query("", pattern=DATE_OR_EMPTY, description="Stories starting on or before this date."),
    sort: str = Query(DEFAULT_SORT, description=SORT_HELP),
    min_outlets: int = Query(
        2,
        ge=1,
        description="Only stories with articles from at least this many distinct outlets. "
        "The default, 2, leaves out single-outlet stories (nothing to compare); 1 lists every story.",
    ),
    single: bool = Query(False, description="Include single-outlet stories: the same as min_outlets=1."),
    offset: int = Query(0, ge=0),
    limit: int = Query(PAGE_SIZE, ge=1, le=500),
) -> StoryList:
    if sort not in SORTS:
        raise HTTPException(422, f"sort must be one of {', '.join(SORTS)}, not '{sort}'")
    source = need_source(request)
    query = StoryQuery(
        text=q,
        outlet=outlet,
        since=since,
        until=until,
        min_outlets=1 if single else min_outlets,
        leaning=leaning,
        country=country,
        blindspot=blindspot,
        sort=sort,
        offset=offset,
        limit=limit,
    )
    page = source.find_stories(query)
    stories = [story_model(r) for r in page.rows]
    return StoryList(total=page.total, offset=offset, limit=limit, stories=stories)


@router.get("/outlets", response_model=list[str], summary="Every outlet in the corpus")
def list_outlets(request: Request) -> list[str]:
    return need_source(request).list_outlets()


@router.get(
    "/outlet-profiles",
    summary="Every outlet with its facts (each with its source), counts and profile",
)
def list_outlet_profiles(request: Request) -> JSONResponse:
    return JSONResponse({"outlets": outlet_entries(request)})


@router.get("/outlet-profiles/{outlet_id}", summary="One outlet: facts, profile, recent stories")
def get_outlet_profile(request: Request, outlet_id: str) -> JSONResponse:
    return JSONResponse(one_outlet(request, outlet_id))


@router.get("/stories/{story_id}", response_model=StoryInfo, summary="One story")
def get_story(request: Request, story_id: str) -> StoryInfo:
    row = need_source(request).get_story(story_id)
    if row is None:
        raise HTTPException(404, f"no story '{story_id}'")
    return story_model(row)


@router.get(
    "/stories/{story_id}/report",
    summary="A story's analysis, as in docs/report.schema.json",
    responses={
        200: {"content": {"application/json": {"schema": REPORT_REF}}},
        409: {"description": "The story has not been analysed yet."},
    },
)
def get_story_report(request: Request, story_id: str) -> Response:
    source = need_source(request)
    if source.get_story(story_id) is None:
        raise HTTPException(404, f"no story '{story_id}'")
    options = options_from_params(request.query_params)
    report = source.get_report(story_id, options)
    if report is None:
        flags = "".join(f" --{k.replace('_', '-')} {v}" for k, v in options_params(options).items())
        raise HTTPException(
            409,
            f"story '{story_id}' is not analysed with these options yet "
            f"(run `parallax story {story_id}{flags}`)",
        )
    return JSONResponse(report_to_dict(report))


@router.post(
    "/analyse",
    status_code=202,
    response_model=JobStatus,
    summary="Analyse pasted text or uploaded files without touching the corpus",
    description="A multipart form: `text` (repeatable, with optional `title`, `outlet`, `published` "
    "in the same order) and/or `files` (repeatable). Returns a job; poll /api/jobs/{id}.",
)
async def post_analyse(request: Request) -> JobStatus:
    limits = request.app.state.limits
    pasted, uploads, problems, options = await read_analyse_form(request, limits)
    problems = problems or check_inputs(pasted, uploads, limits)
    if problems:
        raise HTTPException(400, " ".join(problems))
    job = start_analysis(request, pasted, uploads, options)
    return JobStatus(**job.to_dict())


@router.get("/jobs/{job_id}", response_model=JobStatus, summary="Progress of an analysis")
def get_job(request: Request, job_id: str) -> JobStatus:
    return JobStatus(**need_job(request, job_id).to_dict())


@router.get(
    "/jobs/{job_id}/report",
    summary="The report of a finished analysis",
    responses={
        200: {"content": {"application/json": {"schema": REPORT_REF}}},
        409: {"description": "The analysis has not finished."},
    },
)
def get_job_report(request: Request, job_id: str) -> Response:
    job = need_job(request, job_id)
    if job.report is None:
        why = f": {job.error}" if job.error else ""
        raise HTTPException(409, f"analysis {job_id} is {job.state}{why}")
    return JSONResponse(report_to_dict(job.report))


@cache
def packaged_schema() -> dict[str, Any]:
    """The report schema shipped in the package (parallax/data/report.schema.json), read once."""
    return load_report_schema()


@router.get("/schema", summary="The JSON Schema of reports")
def get_schema() -> Response:
    return JSONResponse(packaged_schema())


def add_report_schema(spec: dict[str, Any]) -> dict[str, Any]:
    """Put the report schema into an OpenAPI document as components/schemas/Report."""
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    text = json.dumps(packaged_schema())
    for key in ("$defs", "definitions"):
        text = text.replace(f'"#/{key}/', '"#/components/schemas/')
    moved: dict[str, Any] = json.loads(text)
    for key in ("$defs", "definitions"):
        for name, sub in moved.pop(key, {}).items():
            components.setdefault(name, sub)
    for key in ("$schema", "$id"):
        moved.pop(key, None)
    components["Report"] = moved
    return spec
