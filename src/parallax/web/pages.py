"""The HTML pages: story list, story, article, Analyse, job progress, API docs."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Any
from urllib.parse import urlencode

from cachetools import LRUCache
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from parallax.corpus.order import DEFAULT_SORT, SORTS
from parallax.model import Article, Report
from parallax.options import Options
from parallax.render.html import read_css, story_title
from parallax.render.sections import load_sections
from parallax.stage import Stage
from parallax.web.jobs import Job
from parallax.web.listing import build_entry
from parallax.web.options import options_from_params, options_params, web_settings
from parallax.web.rendering import render_page
from parallax.web.source import PAGE_SIZE, OneAtATime, StoryQuery, StoryRow, StorySource
from parallax.web.uploads import (
    Limits,
    Pasted,
    Upload,
    check_inputs,
    check_unpacked_text,
    remove_inputs,
    write_inputs,
)
from parallax.web.views import build_article_view, build_story_sections, describe_claim, support_class

router = APIRouter(include_in_schema=False)
KEEP_PAGES = 256  # rendered story pages kept in memory
PAGE_LOCK = threading.Lock()
RENDERING = OneAtATime()
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def get_source(request: Request) -> StorySource | None:
    source: StorySource | None = request.app.state.source
    return source


def need_source(request: Request) -> StorySource:
    source = get_source(request)
    if source is None:
        raise HTTPException(404, "This server has no corpus: start it with `parallax serve --db TARGET`.")
    return source


def read_query(params: dict[str, str]) -> tuple[StoryQuery, list[str]]:
    """A story search from URL parameters, and the problems with them (bad ones are ignored)."""
    problems: list[str] = []
    query = StoryQuery(text=params.get("q", "").strip()[:200], outlet=params.get("outlet", "").strip()[:200])
    leaning = params.get("leaning", "").strip()
    if leaning in ("left", "center", "right"):
        query.leaning = leaning
    elif leaning:
        problems.append(
            f"'{leaning[:40]}' is not a leaning (left, center or right): that filter was ignored."
        )
    query.country = params.get("country", "").strip()[:100]
    query.blindspot = params.get("blindspot", "").strip().lower() in ("1", "true", "yes", "on")
    for name in ("since", "until"):
        value = params.get(name, "").strip()
        if value and not ISO_DATE.match(value):
            problems.append(f"'{value}' is not a date like 2024-05-31: the {name} filter was ignored.")
        elif value:
            setattr(query, name, value)
    sort = params.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        problems.append(f"'{sort}' is not a way to sort; use one of {', '.join(SORTS)}.")
        sort = DEFAULT_SORT
    query.sort = sort
    query.min_outlets = read_min_outlets(params, problems)
    page = params.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    query.offset = (number - 1) * PAGE_SIZE
    return query, problems


def read_min_outlets(params: dict[str, str], problems: list[str]) -> int:
    """The fewest outlets a listed story has: 2 by default, 1 with ``single=1``, or ``min_outlets=N``."""
    raw = params.get("min_outlets", "").strip()
    if raw:
        if raw.isdigit() and 0 < int(raw) < 10_000:
            return int(raw)
        problems.append(f"'{raw[:40]}' is not a number of outlets: the min_outlets filter was ignored.")
    return 1 if params.get("single", "").strip().lower() in ("1", "true", "yes", "on") else 2


LIST_PARAMS = (
    "q",
    "outlet",
    "since",
    "until",
    "sort",
    "single",
    "min_outlets",
    "leaning",
    "country",
    "blindspot",
)


def page_link(params: dict[str, str], page: int, path: str = "/") -> str:
    kept = {k: v for k, v in params.items() if k in LIST_PARAMS and v}
    return path + "?" + urlencode({**kept, "page": str(page)})


def count_hidden(source: StorySource, query: StoryQuery, total: int) -> int:
    """How many more stories the same search finds with single-outlet stories included."""
    if query.min_outlets <= 1:
        return 0
    every = replace(query, min_outlets=1, offset=0, limit=1)
    return source.find_stories(every).total - total


def single_link(params: dict[str, str]) -> str:
    """The current search with single-outlet stories included."""
    kept = {k: v for k, v in params.items() if k in LIST_PARAMS and k != "min_outlets" and v}
    return "/?" + urlencode({**kept, "single": "1"})


@router.get("/", response_class=HTMLResponse)
def story_list(request: Request) -> Response:
    return list_page(request, blindspot=False)


@router.get("/blindspot", response_class=HTMLResponse)
def blindspot_list(request: Request) -> Response:
    """The stories one side barely covers (``parallax.corpus.coverage``'s rule)."""
    return list_page(request, blindspot=True)


def list_page(request: Request, blindspot: bool) -> Response:
    source = get_source(request)
    if source is None:
        return render_page(request, "welcome.html.j2")
    params = dict(request.query_params)
    query, problems = read_query(params)
    query.blindspot = query.blindspot or blindspot
    path = "/blindspot" if blindspot else "/"
    found = source.find_stories(query)
    page = query.offset // PAGE_SIZE + 1
    pages = max(1, -(-found.total // PAGE_SIZE))
    return render_page(
        request,
        "stories.html.j2",
        query=query,
        problems=problems,
        entries=[build_entry(r) for r in found.rows],
        total=found.total,
        hidden=count_hidden(source, query, found.total),
        single_link=single_link(params),
        outlets=source.list_outlets(),
        countries=list_countries(source),
        blindspot_view=blindspot,
        path=path,
        sorts=SORTS,
        page=page,
        pages=pages,
        prev_link=page_link(params, page - 1, path) if page > 1 else "",
        next_link=page_link(params, page + 1, path) if page < pages else "",
    )


def list_countries(source: StorySource) -> list[str]:
    index = getattr(source, "index", None) or getattr(source, "get_index", lambda: None)()
    return list(getattr(index, "countries", []))


def story_context(report: Report, base: str, options: Options | None = None) -> dict[str, Any]:
    """What the story template shows; links to the story's article pages carry ``options``."""
    outlets = sorted({a.label for a in report.articles})
    return {
        "report": report,
        "base": base,
        "query": option_query(options),
        "title": story_title(report),
        "outlets": outlets,
        "parts": build_story_sections(report),
    }


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> Response:
    source = need_source(request)
    row = source.get_story(story_id)
    if row is None:
        raise HTTPException(404, f"There is no story '{story_id}' in this corpus.")
    options = options_from_params(request.query_params)
    report = source.get_report(story_id, options)
    if report is None:
        return render_page(request, "story_pending.html.j2", row=row, options=options_params(options))
    return HTMLResponse(render_story_cached(request, row, report, options))


def with_options(path: str, options: Options) -> str:
    """A local path carrying the non-default analysis options as its query."""
    return path + option_query(options)


def option_query(options: Options | None) -> str:
    """``?name=value&...`` for the non-default analysis options, or "" (none, or all defaults)."""
    params = options_params(options) if options is not None else {}
    return f"?{urlencode(params)}" if params else ""


def render_story_cached(request: Request, row: StoryRow, report: Report, options: Options) -> str:
    """A story page's HTML, kept while the source hands out the same Report object.

    Rendering every section of a large story takes a while; the page changes
    only when the analysis (a new Report object) or the story row changes.
    """
    cache: LRUCache[tuple[str, Options], tuple[Report, StoryRow, str]] = request.app.state.page_cache
    key = (row.id, options)
    with PAGE_LOCK:
        held = cache.get(key)
    if held is not None and held[0] is report and held[1] == row:
        return held[2]
    with RENDERING(key):  # concurrent first views of one page: one renders, the others wait for it
        with PAGE_LOCK:
            held = cache.get(key)
        if held is not None and held[0] is report and held[1] == row:
            return held[2]
        context = story_context(report, f"/stories/{row.id}", options)
        html = bytes(render_page(request, "story.html.j2", row=row, saved=True, **context).body).decode()
        with PAGE_LOCK:
            cache[key] = (report, replace(row), html)
        return html


def find_article(report: Report, article_id: str) -> Article:
    try:
        return report.article(article_id)
    except KeyError:
        raise HTTPException(404, f"This story has no article '{article_id}'.") from None


def article_response(
    request: Request, report: Report, article_id: str, base: str, title: str, options: Options | None = None
) -> Response:
    """An article's page; its links back to the story carry ``options``."""
    article = find_article(report, article_id)
    return render_page(
        request,
        "article.html.j2",
        view=build_article_view(report, article),
        report=report,
        base=base,
        query=option_query(options),
        story_title=title,
        support_class=support_class,
        describe_claim=describe_claim,
    )


@router.get("/stories/{story_id}/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, story_id: str, article_id: str) -> Response:
    source = need_source(request)
    options = options_from_params(request.query_params)
    report = source.get_report(story_id, options)
    if report is None:
        raise HTTPException(404, f"Story '{story_id}' does not exist or has not been analysed yet.")
    base = f"/stories/{story_id}"
    return article_response(request, report, article_id, base, story_title(report), options)


@router.post("/stories/{story_id}/analyse")
def analyse_story(request: Request, story_id: str) -> Response:
    """Analyse a story of the corpus in the background and cache the result."""
    source = need_source(request)
    row = source.get_story(story_id)
    if row is None:
        raise HTTPException(404, f"There is no story '{story_id}' in this corpus.")
    articles = load_story_articles(source, row)
    analyser = request.app.state.analyser
    options = options_from_params(request.query_params)  # the button's action carries them

    def work(stages: Sequence[Stage], job: Job) -> Report:
        report: Report = analyser(articles, stages, options)
        return report

    job = request.app.state.jobs.submit(
        row.title,
        work,
        request.app.state.stages,
        on_done=lambda report: source.save_report(row.id, report, options),
        after=with_options(f"/stories/{row.id}", options),
    )
    return RedirectResponse(f"/analyse/{job.id}", status_code=303)


def load_story_articles(source: StorySource, row: StoryRow) -> list[Article]:
    get_articles = getattr(source, "get_articles", None)
    if get_articles is None:
        raise HTTPException(
            409,
            "This corpus cannot hand its articles to the web app; "
            f"run `parallax story {row.id}` to analyse the story.",
        )
    articles: list[Article] = get_articles(row.id)
    if not articles:
        raise HTTPException(409, f"Story '{row.id}' has no articles to analyse.")
    return articles


# ---------------------------------------------------------------- Analyse


@router.get("/analyse", response_class=HTMLResponse)
def analyse_form(request: Request) -> Response:
    return render_analyse_form(request, [], [])


def render_analyse_form(
    request: Request, problems: list[str], pasted: list[Pasted], status_code: int = 200
) -> Response:
    return render_page(
        request,
        "analyse.html.j2",
        status_code=status_code,
        problems=problems,
        limits=request.app.state.limits,
        pasted=pasted,
        settings=web_settings(),
    )


async def read_analyse_form(
    request: Request, limits: Limits
) -> tuple[list[Pasted], list[Upload], list[str], Options]:
    """Pasted articles, uploads and analysis options from the Analyse form, and what was wrong."""
    try:
        form = await request.form(
            max_files=limits.max_files * 5,
            max_fields=limits.max_pasted * 20 + 20,
            max_part_size=limits.max_pasted_chars * 4 + 1024,
        )
    except MultiPartException as exc:
        return [], [], [f"The form could not be read: {exc.message}"], Options()
    except HTTPException as exc:
        return [], [], [f"The form could not be read: {exc.detail}"], Options()
    texts = [str(v) for v in form.getlist("text")]
    titles = [str(v) for v in form.getlist("title")]
    outlets = [str(v) for v in form.getlist("outlet")]
    dates = [str(v) for v in form.getlist("published")]

    def at(values: list[str], n: int) -> str:
        return values[n] if n < len(values) else ""

    pasted = [
        Pasted(text=t, title=at(titles, n), outlet=at(outlets, n), published=at(dates, n))
        for n, t in enumerate(texts)
        if t.strip()
    ]
    uploads: list[Upload] = []
    for item in form.getlist("files"):
        if not isinstance(item, UploadFile):
            continue
        data = await item.read(limits.max_file_bytes + 1)
        if not item.filename and not data:
            continue  # the file field was left empty
        uploads.append(Upload(name=item.filename or "", data=data))
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    await form.close()
    try:
        options = options_from_params(fields)
    except HTTPException as exc:
        return pasted, uploads, [str(exc.detail)], Options()
    return pasted, uploads, [], options


def start_analysis(request: Request, pasted: list[Pasted], uploads: list[Upload], options: Options) -> Job:
    """Write the inputs to a private folder and analyse them in the background."""
    inputs = write_inputs(pasted, uploads)
    analyser = request.app.state.analyser
    limits: Limits = request.app.state.limits

    def work(stages: Sequence[Stage], job: Job) -> Report:
        try:
            check_unpacked_text(inputs.paths, limits.max_total_chars)
            report: Report = analyser(inputs.paths, stages, options)
        finally:
            remove_inputs(inputs)
        for article in report.articles:
            article.source = inputs.rename(article.source)
        for skipped in report.skipped:
            skipped.source = inputs.rename(skipped.source)
        return report

    count = len(pasted) + len(uploads)
    title = f"Your {count} article{'' if count == 1 else 's'}"
    jobs = request.app.state.jobs
    job: Job = jobs.submit(title, work, request.app.state.stages)
    return job


@router.post("/analyse", response_class=HTMLResponse)
async def analyse_submit(request: Request) -> Response:
    limits: Limits = request.app.state.limits
    pasted, uploads, problems, options = await read_analyse_form(request, limits)
    problems = problems or check_inputs(pasted, uploads, limits)
    if problems:
        return render_analyse_form(request, problems, pasted, status_code=400)
    job = start_analysis(request, pasted, uploads, options)
    return RedirectResponse(f"/analyse/{job.id}", status_code=303)


def need_job(request: Request, job_id: str) -> Job:
    job: Job | None = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "There is no such analysis; finished analyses are kept for a while only.")
    return job


@router.get("/analyse/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str) -> Response:
    job = need_job(request, job_id)
    if job.state == "done" and job.after:
        return RedirectResponse(job.after, status_code=303)
    if job.state != "done" or job.report is None:
        status = 500 if job.state == "failed" else 200
        return render_page(request, "job.html.j2", status_code=status, job=job)
    return render_page(
        request,
        "story.html.j2",
        row=None,
        saved=False,
        job=job,
        **story_context(job.report, f"/analyse/{job.id}"),
    )


@router.get("/analyse/{job_id}/articles/{article_id}", response_class=HTMLResponse)
def job_article_page(request: Request, job_id: str, article_id: str) -> Response:
    job = need_job(request, job_id)
    if job.report is None:
        raise HTTPException(409, "This analysis has not finished yet.")
    return article_response(request, job.report, article_id, f"/analyse/{job.id}", story_title(job.report))


# ---------------------------------------------------------------- assets and docs


@cache
def report_css() -> str:
    return str(read_css(load_sections()))


@router.get("/report.css")
def report_stylesheet() -> Response:
    """The HTML report's stylesheet, so story pages look like the report files."""
    return Response(report_css(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    """The API described from its OpenAPI document, without any remote asset."""
    spec = request.app.openapi()
    operations = [
        {"path": path, "method": method.upper(), **op}
        for path, item in spec.get("paths", {}).items()
        for method, op in item.items()
        if isinstance(op, dict)
    ]
    return render_page(request, "docs.html.j2", spec=spec, operations=operations)
