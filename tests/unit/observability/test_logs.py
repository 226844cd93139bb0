"""The JSON log format: one object per line, extra fields kept, credentials scrubbed."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from trustsvc.config.observability import ObservabilitySettings
from trustsvc.observability.logs import configure_logging, make_handler
from trustsvc.observability.redact import REDACTED

SECRET = "tsk_0123456789ab_" + "s" * 43


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    logger = logging.getLogger("tests.observability.json")
    handler = make_handler("json", stream)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def fail_with(message: str) -> None:
    raise ValueError(message)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_record_is_one_json_object_with_its_extra_fields(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged
    logger.info("scan %s done\nsecond line", "u1", extra={"event": "scan", "duration_ms": 12.5})
    logger.warning("odd value", extra={"when": object(), "items": (1, 2)})
    first, second = lines(stream)
    assert stream.getvalue().count("\n") == 2
    assert first["message"] == "scan u1 done\nsecond line"
    assert (first["level"], first["logger"]) == ("INFO", "tests.observability.json")
    assert (first["event"], first["duration_ms"]) == ("scan", 12.5)
    assert first["ts"].endswith("+00:00")
    assert second["level"] == "WARNING"
    assert second["when"].startswith("<object object")
    assert second["items"] == [1, 2]


def test_bearer_tokens_and_keys_are_scrubbed_from_message_fields_and_traceback(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged
    logger.info("header was Authorization: Bearer tsk_abcdefghijkl")
    logger.info("key %s in an argument", SECRET)
    logger.info(
        "fields",
        extra={"headers": {"authorization": "Bearer x"}, "note": f"see {SECRET}", "token": "t"},
    )
    try:
        fail_with(f"bad key {SECRET}")
    except ValueError:
        logger.exception("failed with Bearer abc.def")
    text = stream.getvalue()
    assert "tsk_abcdefghijkl" not in text
    assert "s" * 43 not in text
    assert "abc.def" not in text
    header, argument, fields, failure = lines(stream)
    assert header["message"] == f"header was Authorization: {REDACTED}"
    assert argument["message"] == f"key tsk_0123456789ab_{REDACTED} in an argument"
    assert fields["headers"] == {"authorization": REDACTED}
    assert fields["note"] == f"see tsk_0123456789ab_{REDACTED}"
    assert fields["token"] == REDACTED
    assert "ValueError: bad key tsk_0123456789ab_[REDACTED]" in failure["exc"]
    assert failure["message"] == f"failed with Bearer {REDACTED}"


def test_the_text_format_is_redacted_too() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("tests.observability.text")
    handler = make_handler("text", stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("got %s", "Bearer tsk_secretvalue")
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue().rstrip().endswith(f"tests.observability.text: got Bearer {REDACTED}")


@pytest.fixture
def root_restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    own = {name: logging.getLogger(name).level for name in ("trustsvc", "probes", "apscheduler")}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, own_level in own.items():
        logging.getLogger(name).setLevel(own_level)


def test_configure_logging_routes_everything_through_one_json_handler(
    root_restored: None,
) -> None:
    stream = io.StringIO()
    configure_logging(ObservabilitySettings(log_format="json", log_level="INFO"), stream)
    logging.getLogger("trustsvc.events.request").info("ours", extra={"event": "request"})
    logging.getLogger("some.library").info("library chatter is below WARNING")
    logging.getLogger("some.library").warning("library %s", "Bearer leaked")
    logging.getLogger().handlers[0].flush()  # the pump thread writes them
    ours, library = lines(stream)
    assert (ours["logger"], ours["event"]) == ("trustsvc.events.request", "request")
    assert library["message"] == f"library Bearer {REDACTED}"
    assert len(logging.getLogger().handlers) == 1
