"""Where ingest and analysis run: in this process (``local``, the default) or on Ray (``ray``).

``make_engine`` builds one from the CLI's ``--engine``, ``--address`` and
``--workers``; ``parallax.corpus.intake.ingest`` and ``parallax analyse-pending``
take it. Ray is an optional extra, imported only when the Ray engine is made.
"""

from __future__ import annotations

from parallax.engine.base import ENGINES, Engine, EngineUnavailable, make_engine
from parallax.engine.local import LocalEngine

__all__ = ["ENGINES", "Engine", "EngineUnavailable", "LocalEngine", "make_engine"]
