"""Outlet commands: ``parallax outlets`` (list, ``merge``, ``import``) and ``parallax outlet NAME``.

Thin wrappers over ``parallax.corpus.outlets``, ``outlet_import`` and ``profiles``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from parallax.cli.common import errors_as_messages, fail, make_stderr, warn
from parallax.cli.corpus import DB_HELP, ListFormat, db_target, open_corpus
from parallax.render.sections import clean_terminal

outlets_app = typer.Typer(
    help="List the outlets of a corpus with their leaning (and its source), counts and profile; "
    "`merge` and `import` fix and extend them.",
    no_args_is_help=False,
    add_completion=False,
)


def fmt_number(value: Any) -> str:
    return "-" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))


def fact_text(entry: dict[str, Any], name: str) -> str:
    fact = entry["facts"].get(name)
    return f"{fact['value']} ({fact['source']})" if fact else "-"


def list_outlets_command(db: str | None, fmt: ListFormat, limit: int | None) -> None:
    from parallax.corpus.profiles import describe_outlets

    store = open_corpus(db)
    with store, errors_as_messages():
        entries = describe_outlets(store)
    if limit is not None:
        entries = entries[:limit]
    if fmt == ListFormat.json:
        typer.echo(json.dumps({"outlets": entries}, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False, markup=False, emoji=False)
    table = Table("outlet", "articles", "stories", "leaning (source)", "country", "loaded/1k", "exclusive")
    for entry in entries:
        profile = entry["profile"] or {}
        cells = [
            entry["name"],
            str(entry["articles"]),
            str(entry["stories"]),
            fact_text(entry, "leaning"),
            entry["country"] or "-",
            fmt_number(profile.get("loaded_per_1000_words")),
            fmt_number(profile.get("exclusive_share")),
        ]
        if console.is_terminal:
            table.add_row(*(Text(clean_terminal(c)) for c in cells))
        else:
            typer.echo("\t".join(clean_terminal(c).replace("\t", " ") for c in cells))
    if console.is_terminal:
        console.print(table)


def show_outlet_command(name: str, db: str | None, fmt: ListFormat) -> None:
    from parallax.corpus.profiles import describe_outlets

    store = open_corpus(db)
    with store, errors_as_messages():
        entry = describe_outlets(store, name)[0]
    if fmt == ListFormat.json:
        typer.echo(json.dumps(entry, ensure_ascii=False, indent=2))
        return
    lines = [f"{entry['name']} (#{entry['id']})"]
    lines.append(f"  articles: {entry['articles']}, stories: {entry['stories']}")
    lines.append(f"  domains: {', '.join(entry['domains']) or '-'}")
    names = ", ".join(f"{n} ({c})" for n, c in sorted(entry["names"].items(), key=lambda kv: -kv[1])[:8])
    lines.append(f"  written as: {names or '-'}")
    if entry["wire_credits"]:
        credits = ", ".join(f"{n} ({c})" for n, c in entry["wire_credits"].items())
        lines.append(f"  credits a wire service in its dateline: {credits}; share {entry['wire_share']}")
    for fact, value in entry["facts"].items():
        lines.append(f"  {fact}: {value['value']} (source: {value['source']})")
    profile = entry["profile"]
    if profile is None:
        lines.append("  profile: no analysed story yet (`parallax analyse-pending` analyses the queue)")
    else:
        for key, value in profile.items():
            if isinstance(value, dict):
                shown = ", ".join(f"{k}: {v}" for k, v in value.items()) or "-"
            else:
                shown = fmt_number(value)
            lines.append(f"  {key.replace('_', ' ')}: {shown}")
    for story in entry.get("recent_stories", []):
        lines.append(f"  story {story['id']} ({story['last'] or 'undated'}): {story['title']}")
    for line in lines:
        typer.echo(clean_terminal(line))


def merge_command(source: str, into: str, db: str | None) -> None:
    from parallax.corpus.outlets import link_articles, merge_outlets

    store = open_corpus(db)
    with store, errors_as_messages():
        link_articles(store)
        old, new = merge_outlets(store, source, into)
    make_stderr().print(Text(f"merged outlet #{old} ('{source}') into #{new} ('{into}') in {db_target(db)}"))


def import_command(path: Path, db: str | None) -> None:
    from parallax.corpus.outlet_import import import_outlets
    from parallax.corpus.outlets import link_articles

    if not path.is_file():
        fail(f"there is no file '{path}' to import", code=2)
    store = open_corpus(db)
    with store, errors_as_messages():
        link_articles(store)
        summary = import_outlets(store, path)
    for problem in summary.problems:
        warn(f"{path}: {problem}; the row was skipped")
    make_stderr().print(
        Text(
            f"imported {summary.facts} facts from {summary.imported} of {summary.rows} rows of {path}"
            + (f"; {len(summary.problems)} rows skipped" if summary.problems else "")
        )
    )
    if summary.rows and not summary.imported:
        raise typer.Exit(1)


@outlets_app.callback(invoke_without_command=True)
def outlets(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help=DB_HELP)] = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", "-f", help="text (a table) or json (everything, with profiles).")
    ] = ListFormat.text,
    limit: Annotated[int | None, typer.Option("--limit", help="Show at most this many outlets.")] = None,
) -> None:
    """List the outlets of a corpus, most articles first: leaning with its source, country, article and
    story counts, profile figures."""
    if ctx.invoked_subcommand is None:
        list_outlets_command(db, fmt, limit)


@outlets_app.command("merge")
def merge(
    source: Annotated[str, typer.Argument(help="The outlet to merge away (name, domain or #id).")],
    into: Annotated[str, typer.Argument(help="The outlet that takes its articles, names and domains.")],
    db: Annotated[str | None, typer.Option("--db", help=DB_HELP)] = None,
) -> None:
    """Merge outlet SOURCE into INTO: its articles, names, domains and facts move to INTO."""
    merge_command(source, into, db)


@outlets_app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(help="A CSV or JSON file: domain or name, facts, their sources.")],
    db: Annotated[str | None, typer.Option("--db", help=DB_HELP)] = None,
) -> None:
    """Import outlet facts (leaning, country, language, owner, owner_type, factuality), each with its
    source; rows that cannot be used are reported and the rest imported."""
    import_command(path, db)


def register(app: typer.Typer) -> None:
    """Add ``parallax outlets`` and ``parallax outlet`` to the ``parallax`` app."""
    app.add_typer(outlets_app, name="outlets")

    @app.command("outlet")
    def outlet(
        name: Annotated[str, typer.Argument(help="Outlet name, alias, domain or #id.")],
        db: Annotated[str | None, typer.Option("--db", help=DB_HELP)] = None,
        fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="text or json.")] = ListFormat.text,
    ) -> None:
        """Show one outlet: names, domains, facts with their sources, profile and recent stories."""
        show_outlet_command(name, db, fmt)
