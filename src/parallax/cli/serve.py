"""``parallax serve``: the web app over a corpus (see ``parallax.web.app``)."""

from __future__ import annotations

from typing import Annotated

import typer

from parallax.cli.common import fail
from parallax.errors import ParallaxError


def serve_command(db: str | None, host: str, port: int, worker: bool = True) -> None:
    """Check the arguments, open the corpus and run the server until interrupted."""
    if not 0 < port < 65536:
        fail(f"--port must be between 1 and 65535, not {port}", code=2)
    try:
        import uvicorn

        from parallax.web.app import create_app

        web = create_app(db, worker=worker)
    except ParallaxError as exc:
        fail(str(exc))
    where = f"http://{host}:{port}/" if ":" not in host else f"http://[{host}]:{port}/"
    typer.echo(f"Parallax is serving {'the corpus ' + db if db else 'without a corpus'} at {where}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo("note: the server is reachable from other machines; it has no log-in of its own", err=True)
    uvicorn.run(web, host=host, port=port, log_level="warning")


def serve(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Corpus to browse: a SQLite file or a postgresql:// URL. "
            "Without it, only the Analyse page works.",
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    no_worker: Annotated[
        bool,
        typer.Option(
            "--no-worker",
            help="Do not analyse queued stories in the background "
            "(by default one story at a time is analysed while the server runs).",
        ),
    ] = False,
) -> None:
    """Browse stories and their comparisons in a web browser; analyse pasted articles.

    With a corpus, a background worker analyses the stories waiting in its analysis queue,
    including those another process ingests while the server runs."""
    serve_command(db, host, port, worker=not no_worker)


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``parallax`` command."""
    app.command("serve")(serve)
