"""Reading configuration files: policy profiles and holiday overrides.

This is the I/O edge; parsing and validation live in ``domain.policy`` and
``domain.calendar``. Layout under the config dir (default from settings)::

    policies/<name>.toml    one policy profile per file
    holidays/<year>.toml    one holiday override per year
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

from core.settings import get_settings
from domain.calendar import CalendarError, WorkingCalendar, local_date, parse_holiday_override
from domain.policy import NAME_PATTERN, PolicyError, PolicyProfile, parse_policy

PROCESS_STARTED = datetime.now(timezone.utc)  # the rehearsal clock's epoch when none is configured

_calendar_cache: dict[Path, tuple[tuple, WorkingCalendar]] = {}
_calendar_lock = threading.Lock()


def _config_dir(config_dir: Path | None) -> Path:
    return Path(config_dir) if config_dir is not None else Path(get_settings().huiyin_config_dir)


def available_policies(config_dir: Path | None = None) -> list[str]:
    """Names of the profiles in ``policies/``, sorted."""
    folder = _config_dir(config_dir) / "policies"
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.toml") if NAME_PATTERN.match(p.stem))


def load_policy(name: str, config_dir: Path | None = None) -> PolicyProfile:
    """Read and validate ``policies/<name>.toml``; PolicyError if unknown or invalid."""
    # The name becomes a file path: allow no separators or dots.
    if not NAME_PATTERN.match(name):
        raise PolicyError(f"policy name {name!r} is not allowed: use only a-z, 0-9, '_' and '-'")
    path = _config_dir(config_dir) / "policies" / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(available_policies(config_dir)) or "(none)"
        raise PolicyError(f"unknown policy {name!r}; available: {known}")
    return parse_policy(path.read_text(encoding="utf-8"), name)


def with_drill_clock(policy: PolicyProfile, epoch: datetime | None = None) -> PolicyProfile:
    """A drill profile set on the system's one rehearsal clock (domain.policy.DrillScale): its epoch is the one
    configured (HUIYIN_DRILL_EPOCH), or this process's start; rehearsed time starts at the epoch's (Beijing) year."""
    if policy.drill is None or policy.drill.epoch is not None:
        return policy
    epoch = epoch or PROCESS_STARTED
    epoch = epoch if epoch.tzinfo else epoch.replace(tzinfo=timezone.utc)
    clock = {"epoch": epoch, "epoch_year": local_date(epoch).year}
    return policy.model_copy(update={"drill": policy.drill.model_copy(update=clock)})


def load_calendar(config_dir: Path | None = None, *, reload: bool = False) -> WorkingCalendar:
    """The working calendar with every ``holidays/*.toml`` override applied.

    Cached per config dir and re-read when a file there is added, removed or changed,
    so a worker picks up a newly loaded holiday year without a restart.
    """
    folder = _config_dir(config_dir).resolve() / "holidays"
    with _calendar_lock:
        fingerprint = _fingerprint(folder)
        cached = _calendar_cache.get(folder)
        if reload or cached is None or cached[0] != fingerprint:
            cached = _calendar_cache[folder] = (fingerprint, _read_calendar(folder))
        return cached[1]


def _fingerprint(folder: Path) -> tuple:
    if not folder.is_dir():
        return ()
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.toml")))


def _read_calendar(folder: Path) -> WorkingCalendar:
    overrides = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        override = parse_holiday_override(path.read_text(encoding="utf-8"), source=path.name)
        # A file named after a year must hold that year, so 2028.toml can't shadow 2027.
        if path.stem.isdigit() and int(path.stem) != override.year:
            raise CalendarError(f"holiday override {path.name} declares year {override.year}")
        overrides.append(override)
    return WorkingCalendar.from_overrides(overrides)
