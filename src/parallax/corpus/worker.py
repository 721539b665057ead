"""A background thread working off a corpus's analysis queue (``parallax serve`` runs one).

The thread opens its own connection to the corpus, queues what needs an
analysis every ``scan_seconds`` (stories ingested by another process show up
this way), and analyses one story at a time. ``stop()`` asks it to finish the
story in hand and waits for it a while; a claim left behind when the process
ends is taken back by the next worker (its process is gone).
"""

from __future__ import annotations

import logging
import threading
import time

from parallax.corpus.connect import open_store
from parallax.corpus.queue import Analyser, enqueue_stories, work_queue
from parallax.errors import ModelUnavailable, ParallaxError
from parallax.options import Options

log = logging.getLogger(__name__)


class QueueWorker:
    """Analyses the queued stories of the corpus at ``target``, one at a time, until stopped."""

    def __init__(
        self,
        target: str,
        options: Options | None = None,
        *,
        scan_seconds: float = 10.0,
        analyser: Analyser | None = None,
    ) -> None:
        self.target = target
        self.options = options
        self.scan_seconds = scan_seconds
        self.analyser = analyser
        self.halt = threading.Event()
        self.analysed = 0
        self.problem: str | None = None  # the last error, for logs and tests
        self.thread = threading.Thread(target=self.run, name="parallax-queue", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self, wait_seconds: float = 5.0) -> None:
        """Stop after the story in hand (waits at most ``wait_seconds`` for it)."""
        self.halt.set()
        if self.thread.is_alive():
            self.thread.join(wait_seconds)

    def run(self) -> None:
        try:
            store = open_store(self.target)
        except ParallaxError as error:
            self.problem = str(error)
            log.warning("the analysis worker cannot open the corpus: %s", error)
            return
        try:
            while not self.halt.is_set():
                began = time.monotonic()
                try:
                    enqueue_stories(store, self.options)
                    while not self.halt.is_set():
                        done = work_queue(
                            store, self.options, limit=1, analyser=self.analyser, stop=self.halt
                        )
                        self.analysed += done.analysed
                        if done.analysed + done.failed == 0 or time.monotonic() - began > self.scan_seconds:
                            break
                except ModelUnavailable as error:
                    self.problem = f"a model is unavailable: {error}"
                    log.warning("the analysis worker stops: %s", self.problem)
                    return
                except ParallaxError as error:  # e.g. the corpus is locked for a moment: try again later
                    self.problem = str(error)
                    log.warning("the analysis worker will retry: %s", error)
                self.halt.wait(max(0.0, self.scan_seconds - (time.monotonic() - began)))
        finally:
            store.close()
