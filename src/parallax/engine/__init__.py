"""Where ingest and analysis run: in this process (``local``, the default) or on Ray (``ray``).

``make_engine`` builds one from the CLI's ``--engine``, ``--address`` and
``--workers``; ``parallax.corpus.intake.ingest`` and ``parallax analyse-pending``
take it. Ray is an optional extra, imported only when the Ray engine is made.
"""

from __future__ import annotations

from parallax.engine.base import ENGINES, Engine
from parallax.engine.local import LocalEngine
from parallax.errors import EngineUnavailable

__all__ = ["ENGINES", "Engine", "EngineUnavailable", "LocalEngine", "make_engine"]


def make_engine(
    name: str = "local",
    *,
    address: str | None = None,
    workers: int | None = None,
    windows: tuple[int, int] | None = None,
) -> Engine:
    """The engine called ``name``: ``local`` (this process) or ``ray`` (a local Ray cluster with
    ``workers`` CPUs, or the running cluster at ``address``); ``windows``: (days, overlap) to
    cluster by time window on Ray (``parallax.corpus.windows``)."""
    if name not in ENGINES:
        raise EngineUnavailable(f"unknown engine '{name}' (choose from {', '.join(ENGINES)})")
    if workers is not None and workers < 1:
        raise EngineUnavailable(f"--workers must be at least 1, not {workers}")
    if name == "local":
        if address is not None or workers not in (None, 1) or windows is not None:
            raise EngineUnavailable(
                "--address, --workers and --cluster-windows need --engine ray "
                "(the local engine uses one process)"
            )
        return LocalEngine()
    from parallax.corpus.windows import WindowPlan
    from parallax.engine.ray_engine import RayEngine

    plan = None
    if windows is not None:
        try:
            plan = WindowPlan(*windows)
        except ValueError as error:
            raise EngineUnavailable(f"--cluster-windows: {error}") from error
    return RayEngine(address=address, workers=workers, plan=plan)
