"""When a subscription's digest is due: a cron expression in a time zone, as APScheduler reads it.

`daily` and `weekly` are shorthands for 08:00 every day and 08:00 on Mondays in the
subscription's zone. Anything else must be a five-field crontab line that
`CronTrigger.from_crontab` accepts; a bad one is refused when the subscription is made, never
discovered by the scheduler. Fire times are computed in the zone, so "08:00 Europe/Berlin"
stays 08:00 across daylight-saving changes, and stored in UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

SHORTHANDS = {"daily": "0 8 * * *", "weekly": "0 8 * * mon"}
_ZONE = re.compile(r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$")
MAX_ZONE = 64
MAX_SCHEDULE = 128


class ScheduleError(ValueError):
    """A schedule or time zone we cannot use; the message is one line that says why."""


def zone(name: str) -> ZoneInfo:
    """The IANA time zone, or ScheduleError."""
    if len(name) > MAX_ZONE or not _ZONE.fullmatch(name):
        raise ScheduleError(f"unknown time zone {name[:MAX_ZONE]!r} (use an IANA name: UTC)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ScheduleError(
            f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin or UTC)"
        ) from exc


def trigger(schedule: str, timezone: str) -> CronTrigger:
    """The APScheduler trigger for a schedule in a zone, or ScheduleError."""
    tz = zone(timezone)
    expression = SHORTHANDS.get(schedule.strip().lower(), schedule.strip())
    if len(expression) > MAX_SCHEDULE or "\x00" in expression:
        raise ScheduleError("the schedule is too long; use daily, weekly or a cron line")
    try:
        return CronTrigger.from_crontab(expression, timezone=tz)
    except (ValueError, KeyError, TypeError) as exc:
        detail = " ".join(str(exc).split())[:200]
        raise ScheduleError(
            f"invalid schedule {schedule[:MAX_SCHEDULE]!r}: {detail} "
            "(use daily, weekly or five cron fields: minute hour day month weekday)"
        ) from exc


def next_fire(schedule: str, timezone: str, after: datetime) -> datetime:
    """The first fire time strictly after `after`, in UTC."""
    cron = trigger(schedule, timezone)
    when: datetime | None = cron.get_next_fire_time(None, after)
    if when is not None and when <= after:
        when = cron.get_next_fire_time(None, after + timedelta(seconds=1))
    if when is None:  # pragma: no cover - a five-field cron line always fires again
        raise ScheduleError(f"the schedule {schedule!r} never fires again")
    return when.astimezone(UTC)
