"""The service's workers: the library's work in bounded threads that stop at the time limit.

Every request's work (a decision of 3.1/4.2.1, 4.3.5 or 4.3.7-b, a batch, an audit of
4.1–4.3.7, a lifecycle step of 4.3.2/4.3.6) runs in a thread of its own, at most
``size`` at a time. Past the deadline the request is answered 503 and its thread is
*stopped*, not abandoned: the service's own loops (rows of a batch, cycles of a history)
check the deadline between items, and anything still running inside the library gets a
:class:`Overtime` exception raised in its thread at the next Python instruction
(``PyThreadState_SetAsyncExc``). A slot is given back only when its thread has really
ended, so the number of worker threads never exceeds ``size``, even while a thread
finishes a long call into compiled code, which no Python exception can interrupt.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["Overtime", "Workers", "checkpoint"]

_local = threading.local()

#: Name of every worker thread, so operators (and tests) can count them.
THREAD_NAME = "sep-worker"


class Overtime(BaseException):
    """Raised inside a worker thread whose request is past its time limit.

    A ``BaseException`` so that the library's ``except Exception`` handlers let it through
    (those that snapshot state, such as a lifecycle step, restore it and re-raise).
    """


def checkpoint() -> None:
    """Stop here if this worker's request is past its deadline (cheap; call it in loops).

    Raises:
        Overtime: the deadline has passed.
    """
    deadline = getattr(_local, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise Overtime


def _raise_in(thread: threading.Thread) -> None:
    ident = thread.ident
    if ident is not None:
        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
        set_async_exc(ctypes.c_ulong(ident), ctypes.py_object(Overtime))


class _Job:
    """One request's work in its own thread; its outcome is handed back to the event loop."""

    def __init__(
        self,
        fn: Callable[[], Any],
        deadline: float,
        loop: asyncio.AbstractEventLoop,
        release: Callable[[], None],
    ) -> None:
        self._fn = fn
        self._deadline = deadline
        self._loop = loop
        self._release = release
        self.done: asyncio.Future[tuple[bool, Any]] = loop.create_future()
        self._lock = threading.Lock()
        self._running = True
        self._delivered = False
        self._thread = threading.Thread(target=self._target, name=THREAD_NAME, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> bool:
        """Raise :class:`Overtime` in the thread if it still runs the work.

        Returns whether it did: an exception raised while the thread runs a finaliser (a
        weak reference's callback, ``__del__``) is printed and dropped by Python, so the
        caller repeats until the work has ended.
        """
        with self._lock:
            if self._running:
                _raise_in(self._thread)
            return self._running

    def _work(self) -> tuple[bool, Any]:
        _local.deadline = self._deadline
        try:
            return True, self._fn()
        except BaseException as err:  # handed to the request, which raises it there
            return False, err
        finally:
            _local.deadline = None
            with self._lock:
                self._running = False

    def _target(self) -> None:
        outcome: tuple[bool, Any] = (False, Overtime())
        try:
            outcome = self._work()
        except Overtime:
            # Raised again after the work had stopped, before the thread said so: the
            # request has been answered 503 already; only the slot remains to give back.
            pass
        finally:
            self._finish(outcome)

    def _finish(self, outcome: tuple[bool, Any]) -> None:
        while True:
            try:
                with self._lock:  # from here on, stop() raises nothing more in this thread
                    self._running = False
                # The event loop may have closed (the server is shutting down).
                with contextlib.suppress(RuntimeError):
                    self._loop.call_soon_threadsafe(self._deliver, outcome)
                return
            except Overtime:  # raised by stop() just before the flag was cleared
                continue

    def _deliver(self, outcome: tuple[bool, Any]) -> None:
        if self._delivered:  # _finish may have sent it twice
            return
        self._delivered = True
        self._release()
        if not self.done.done():
            self.done.set_result(outcome)


class Workers:
    """At most ``size`` worker threads, each request's work stopped past ``time_limit``.

    Args:
        size: Most requests worked on at once; the others wait for a slot (the wait counts
            against their time limit).
        time_limit: Seconds from the start of :meth:`run` to its answer.
    """

    def __init__(self, size: int, time_limit: float) -> None:
        self.size = size
        self.time_limit = time_limit
        self._slots: dict[int, asyncio.Semaphore] = {}
        self._stopping: set[asyncio.Task[None]] = set()

    def _semaphore(self, loop: asyncio.AbstractEventLoop) -> asyncio.Semaphore:
        # One per event loop: an asyncio.Semaphore belongs to the loop it first waits on.
        found = self._slots.get(id(loop))
        if found is None:
            found = self._slots[id(loop)] = asyncio.Semaphore(self.size)
        return found

    def _stop(self, job: _Job) -> None:
        if job.stop():
            task = asyncio.get_running_loop().create_task(self._keep_stopping(job))
            self._stopping.add(task)
            task.add_done_callback(self._stopping.discard)

    async def _keep_stopping(self, job: _Job) -> None:
        # Until the thread has let go of the work (see _Job.stop); a thread inside a long
        # call into compiled code stops when that call returns.
        while not job.done.done() and job.stop():
            await asyncio.sleep(0.02)

    async def run(self, fn: Callable[[], Any]) -> Any:
        """``fn()`` in a worker thread; its value, or the exception it raised.

        Raises:
            Overtime: ``fn`` did not finish within the time limit (its thread is stopped).
        """
        loop = asyncio.get_running_loop()
        deadline = time.monotonic() + self.time_limit
        slots = self._semaphore(loop)
        try:
            await asyncio.wait_for(slots.acquire(), timeout=self.time_limit)
        except TimeoutError:
            raise Overtime from None
        job = _Job(fn, deadline, loop, slots.release)
        try:
            job.start()
        except BaseException:
            slots.release()
            raise
        try:
            left = max(0.0, deadline - time.monotonic())
            ok, value = await asyncio.wait_for(asyncio.shield(job.done), timeout=left)
        except TimeoutError:
            self._stop(job)
            raise Overtime from None
        except asyncio.CancelledError:  # the client went away: stop its work too
            self._stop(job)
            raise
        if not ok:
            raise value
        return value
