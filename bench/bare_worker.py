"""The bare baseline's worker process: SDK defaults (sandboxed runner, cache 1,000, default pollers).

    python -m bench.bare_worker --address 127.0.0.1:7233 --task-queue bare
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from bench.bare import ACTIVITIES, WORKFLOWS


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    parser.add_argument("--max-cached-workflows", type=int, default=1000)
    args = parser.parse_args()
    client = await Client.connect(args.address, data_converter=pydantic_data_converter)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Worker(client, task_queue=args.task_queue, workflows=WORKFLOWS, activities=ACTIVITIES,
                      max_cached_workflows=args.max_cached_workflows):
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
