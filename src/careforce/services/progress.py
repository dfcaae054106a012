"""Progress bars for long commands: on standard error, and only when it is a terminal, so that
standard output stays a clean JSON document or summary."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress

Step = Callable[[str], None]


@contextmanager
def steps(title: str, total: int, enabled: bool) -> Iterator[Step]:
    """A bar of `total` steps; each call of the step function advances it and names the step."""
    console = Console(stderr=True)
    show = enabled and sys.stderr.isatty()
    with Progress(console=console, disable=not show, transient=True) as progress:
        task = progress.add_task(title, total=total)

        def step(text: str) -> None:
            progress.update(task, advance=1, description=text)

        yield step
