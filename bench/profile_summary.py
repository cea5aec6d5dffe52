"""Summarise a `py-spy record --format raw` file (collapsed stacks): the functions where the samples
are spent, inclusive (anywhere on the stack) and by our own modules.

    .venv/bin/python -m bench.profile_summary /tmp/prof/huiyin-worker-*.txt [--top 40] [--match workflows/]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")


def frames_of(stack: str) -> list[tuple[str, str]]:
    out = []
    for frame in stack.split(";"):
        m = FRAME.match(frame.strip())
        if m:
            path = m["file"]
            for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
                if marker in path:
                    path = path.split(marker, 1)[1]
            out.append((m["func"], path))
        else:
            out.append((frame.strip(), ""))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="", help="only count stacks with a frame whose file contains this")
    args = parser.parse_args()
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for name in args.files:
        for line in Path(name).read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            frames = frames_of(stack)
            if args.match and not any(args.match in f for _, f in frames):
                continue
            total += n
            seen = set()
            for func, path in frames:
                key = f"{func} ({path})"
                if key not in seen:
                    inclusive[key] += n
                    seen.add(key)
            if frames:
                func, path = frames[-1]
                own[f"{func} ({path})"] += n
    print(f"{total} samples")
    print("\n== inclusive ==")
    for key, n in inclusive.most_common(args.top):
        print(f"{100 * n / total:5.1f}%  {key}")
    print("\n== self ==")
    for key, n in own.most_common(args.top // 2):
        print(f"{100 * n / total:5.1f}%  {key}")


if __name__ == "__main__":
    main()
