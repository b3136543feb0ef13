"""HTTP clients of the SaaS CRMs `push` delivers into (Bitrix24, amoCRM): transport only.

What both share: a pacer that keeps requests under the CRM's limit, and one retry policy
(tenacity). "Busy" answers (Bitrix24 503 QUERY_LIMIT_EXCEEDED / 429 OPERATION_TIME_LIMIT,
amoCRM 429) were not executed and are always waited out and retried, honouring a reset time
when the CRM gives one. A connection that fails before the request left is retried too. A
*write* whose answer was lost (the connection dropped after sending) may have been executed:
it raises ``AnswerLost`` so the caller looks the records up before sending anything again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, retry_if_exception_type, stop_after_attempt

from vocabulary.errors import RunFailure
from vocabulary.messages import text

T = TypeVar("T")


class RemoteCrmError(RunFailure):
    """The CRM could not be used (refused credentials, an unknown portal, an error answer); one masked line."""


class AnswerLost(RunFailure):
    """A write was sent and its answer lost: it may have been executed; look before sending again."""


class Busy(Exception):
    """The CRM refused a request because of its rate or time limits; it was not executed."""

    def __init__(self, code: str, retry_after: float | None = None) -> None:
        super().__init__(code)
        self.code, self.retry_after = code, retry_after


class Pacer:
    """A leaky bucket on our side: at most ``burst`` requests at once, then ``rate`` per second."""

    def __init__(
        self,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate, self.burst, self.clock, self.sleep = rate, burst, clock, sleep
        self.level, self.last = 0.0, clock()
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            now = self.clock()
            self.level = max(0.0, self.level - (now - self.last) * self.rate)
            self.last = now
            if self.level + 1 > self.burst:
                pause = (self.level + 1 - self.burst) / self.rate
                self.sleep(pause)
                self.level = max(0.0, self.level - pause * self.rate)
                self.last = self.clock()
            self.level += 1


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 10
    first_wait: float = 1.0  # seconds before the first retry when the CRM says nothing; doubled each time
    max_wait: float = 120.0
    sleep: Callable[[float], None] = field(default=time.sleep)

    def wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, Busy) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), self.max_wait)
        return min(self.first_wait * 2 ** (state.attempt_number - 1), self.max_wait)


# The request never reached the server: always safe to send again.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def send(policy: RetryPolicy, attempt: Callable[[], T], *, write: bool, where: str) -> T:
    """``attempt()`` with busy answers and failed connections retried; a lost write answer → AnswerLost."""

    def retryable(error: BaseException) -> bool:
        return isinstance(error, (Busy, *NOT_SENT)) or (not write and isinstance(error, httpx.TransportError))

    try:
        for try_ in Retrying(
            retry=retry_if_exception(retryable),
            wait=policy.wait,
            sleep=policy.sleep,
            stop=stop_after_attempt(policy.attempts),
            reraise=True,
        ):
            with try_:
                return attempt()
    except Busy as exc:
        raise RemoteCrmError(text("push.remote.busy", where=where, attempts=policy.attempts, code=exc.code)) from None
    except NOT_SENT as exc:
        raise RemoteCrmError(text("push.remote.cannot_connect", where=where, error=type(exc).__name__)) from None
    except httpx.TransportError as exc:
        if write:
            raise AnswerLost(text("push.remote.answer_lost", where=where, error=type(exc).__name__)) from None
        raise RemoteCrmError(text("push.remote.keeps_dropping", where=where, error=type(exc).__name__)) from None
    raise AssertionError("unreachable")  # pragma: no cover


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the CRM asks to wait (a ``Retry-After`` header), if any."""
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def again_when_lost(step: Callable[[], None], attempts: int = 5) -> None:
    """Run ``step`` again when a write's answer was lost; ``step`` must look before it writes (re-read, look up)."""
    for attempt in Retrying(retry=retry_if_exception_type(AnswerLost), stop=stop_after_attempt(attempts), reraise=True):
        with attempt:
            step()
