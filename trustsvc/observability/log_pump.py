"""Logging off the event loop: callers enqueue records, one thread redacts, formats, writes.

A request line logged in the caller cost ~200 us on this machine (the redaction filter,
the formatter, a write and a flush per record): more than the lookup it describes, and a
full or slow stderr pipe (a stalled log shipper) would block the event loop outright. So
the root logger gets a `PumpHandler`: the caller only fixes the record's message (its
arguments may be mutable objects that change later) and its traceback text, and puts it
on a bounded queue. The pump thread takes records in batches, runs the real handler's
filters (redaction) and formatter, and writes each batch with one write and one flush.

The trade: a record reaches the stream a moment after the call, and when the stream
cannot keep up for `MAX_QUEUED` records, newer records are dropped and counted (one line
says how many) instead of holding every request up. `flush()` waits for what is queued.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import TextIO

MAX_QUEUED = 10_000
MAX_BATCH = 512

_STOP = object()


class LogPump:
    """The thread that drains the queue into `target` (a formatting, filtering handler)."""

    def __init__(
        self, target: logging.Handler, stream: TextIO, max_queued: int = MAX_QUEUED
    ) -> None:
        self.target = target
        self.stream = stream
        self.queue: queue.Queue[object] = queue.Queue(max_queued)
        self.dropped = 0
        self.stopped = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="trustsvc-log-pump", daemon=True)
        self._thread.start()

    def put(self, record: logging.LogRecord) -> None:
        """Queue a prepared record; count it as dropped when the queue is full."""
        if self.stopped:
            return
        try:
            self.queue.put_nowait(record)
        except queue.Full:
            with self._lock:
                self.dropped += 1

    def flush(self) -> None:
        """Block until every record queued so far is written."""
        if not self.stopped:
            self.queue.join()

    def stop(self) -> None:
        """Write what is queued, then end the thread (once; later records are dropped)."""
        with self._lock:
            if self.stopped:
                return
            self.stopped = True
        self.queue.put(_STOP)
        self._thread.join()

    def _run(self) -> None:
        while True:
            batch = [self.queue.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            stopping = _STOP in batch
            try:
                self._write([r for r in batch if isinstance(r, logging.LogRecord)])
            finally:
                for _ in batch:
                    self.queue.task_done()
            if stopping:
                return

    def _write(self, records: list[logging.LogRecord]) -> None:
        lines = []
        with self._lock:
            dropped, self.dropped = self.dropped, 0
        if dropped:
            lines.append(f"trustsvc: {dropped} log record(s) dropped: the log stream was behind")
        for record in records:
            try:
                if self.target.filter(record):
                    lines.append(self.target.format(record))
            except Exception:  # noqa: BLE001 - one bad record must not stop the pump
                self.target.handleError(record)
        if lines:
            try:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass  # a closed or broken stream: nothing left to tell


class PumpHandler(logging.Handler):
    """The root logger's handler: prepares each record in the caller and queues it."""

    _formatter = logging.Formatter()

    def __init__(self, pump: LogPump) -> None:
        super().__init__()
        self.pump = pump

    def emit(self, record: logging.LogRecord) -> None:
        """Fix what could change before the pump formats it, then queue it."""
        try:
            record.msg, record.args = record.getMessage(), ()
            if record.exc_info:
                if not record.exc_text:
                    record.exc_text = self._formatter.formatException(record.exc_info)
                record.exc_info = None
            self.pump.put(record)
        except Exception:  # noqa: BLE001 - logging must never raise into the caller
            self.handleError(record)

    def flush(self) -> None:
        """Wait until the pump has written everything queued."""
        self.pump.flush()

    def close(self) -> None:
        """Drain and stop the pump."""
        self.pump.stop()
        super().close()
