"""Work on many things a few at a time (并行的几条通道), for the import and the demo."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


async def in_lanes(items: Iterable[T], work: Callable[[T], Awaitable[None]], lanes: int) -> None:
    """work(item) for every item, at most `lanes` at once, in the items' order. The first failure stops the
    rest (the lanes still running are cancelled) and is raised."""
    todo = iter(items)

    async def lane() -> None:
        for item in todo:
            await work(item)

    tasks = [asyncio.create_task(lane()) for _ in range(max(lanes, 1))]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
