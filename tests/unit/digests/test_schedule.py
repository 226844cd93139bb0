"""Subscription schedules: cron in a zone, shorthands, strict next fire, missed periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trustsvc.digests.models import SubscriptionRow
from trustsvc.digests.schedule import ScheduleError, next_fire, trigger
from trustsvc.digests.service import latest_fire


def test_daily_is_eight_in_the_zone_across_daylight_saving() -> None:
    winter = next_fire("daily", "Europe/Berlin", datetime(2026, 3, 27, 12, tzinfo=UTC))
    summer = next_fire("daily", "Europe/Berlin", winter)
    assert (winter.hour, summer.hour) == (7, 6)  # 08:00 CET, then 08:00 CEST
    assert winter.tzinfo is UTC


def test_weekly_is_monday_and_the_next_fire_is_strictly_later() -> None:
    monday = datetime(2026, 12, 7, 8, tzinfo=UTC)
    assert next_fire("weekly", "UTC", monday - timedelta(seconds=1)) == monday
    assert next_fire("weekly", "UTC", monday) == monday + timedelta(days=7)


@pytest.mark.parametrize(
    ("schedule", "zone", "fragment"),
    [
        ("* * * * * *", "UTC", "Wrong number of fields"),
        ("0 8 * * funday", "UTC", "invalid schedule"),
        ("daily", "Europe/../../etc/passwd", "unknown time zone"),
        ("daily", "Not/AZone", "unknown time zone"),
        ("x" * 500, "UTC", "too long"),
    ],
)
def test_bad_schedules_are_one_line(schedule: str, zone: str, fragment: str) -> None:
    with pytest.raises(ScheduleError, match=fragment) as caught:
        trigger(schedule, zone)
    assert "\n" not in str(caught.value)


def test_missed_periods_collapse_into_one_run() -> None:
    created = datetime(2026, 12, 1, tzinfo=UTC)
    row = SubscriptionRow(
        schedule="0 * * * *",
        timezone="UTC",
        created_at=created,
        next_run_at=created + timedelta(hours=1),
    )
    now = created + timedelta(hours=5, minutes=30)  # a worker was down for five fire times
    assert latest_fire(row, now) == created + timedelta(hours=5)
