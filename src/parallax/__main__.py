"""``python -m parallax``: the same as the ``parallax`` command."""

from parallax.cli import main

main()
