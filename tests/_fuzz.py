"""The hostile-input harness shared by every ``test_fuzz_*`` module.

Each fuzz case is one bad input sent to one public boundary of ``sep``. :func:`run_case`
runs it under a per-case time guard (a hang fails the test instead of hanging CI) and
classifies what came out:

* a :class:`~sep.errors.SepError`: *refused*, the only acceptable error;
* any other exception: a failure, reported with the input that caused it;
* a result: handed to the caller's ``accept`` check (for junk values the only acceptable
  decision is UNKNOWN: :func:`expect_unknown`), counted as *accepted as UNKNOWN*.

:data:`FUZZ_COUNTS` tallies, per boundary, the bad inputs sent, refused and accepted; the
``pytest_terminal_summary`` hook in ``conftest.py`` prints it, so a CI log shows how much
hostile input the run really sent (the standing target is at least 2,000 per run).
"""

from __future__ import annotations

import contextlib
import os
import reprlib
import signal
import subprocess
import sys
import threading
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from sep.errors import SepError

__all__ = [
    "FUZZ_COUNTS",
    "CaseTimeout",
    "FuzzFailure",
    "count",
    "expect_unknown",
    "run_case",
    "run_isolated",
    "safe_repr",
    "time_guard",
]

T = TypeVar("T")

#: ``(boundary, kind) -> n`` with kind one of ``"bad"``, ``"refused"``, ``"unknown"``.
FUZZ_COUNTS: Counter[tuple[str, str]] = Counter()

#: Seconds one case may take before it counts as a hang. Generous: a case that is merely
#: slow on a loaded CI machine must not fail, a real hang (minutes, forever) must.
CASE_SECONDS = float(os.environ.get("SEP_FUZZ_CASE_SECONDS", "5"))

#: Peak bytes one case may allocate (traced only where a case asks for it).
CASE_BYTES = 64 * 1024 * 1024

_repr = reprlib.Repr()
_repr.maxstring = 120
_repr.maxother = 120
_repr.maxlong = 60
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = 8
_repr.maxlevel = 4


class FuzzFailure(AssertionError):
    """A fuzz case broke a promise: a raw error, a hang, a decision for junk, a state change."""


class CaseTimeout(BaseException):
    """Raised by the time guard inside a case that ran too long.

    A ``BaseException``, so that ``except Exception`` in the code under test cannot
    swallow it and turn a hang into a wrong answer.
    """


def safe_repr(value: Any) -> str:
    """``repr`` that never raises and never prints 5,000 digits (hostile objects included)."""
    try:
        return _repr.repr(value)
    except BaseException as exc:  # the hostile objects' __repr__ raise on purpose
        return f"<unrepresentable {type(value).__name__}: {type(exc).__name__}>"


@contextlib.contextmanager
def time_guard(seconds: float = CASE_SECONDS) -> Iterator[None]:
    """Raise :class:`CaseTimeout` in the main thread if the block runs past ``seconds``.

    Uses ``SIGALRM``: it interrupts Python code between bytecodes, not a single C call
    that never returns (use :func:`run_isolated` for inputs suspected of that). Outside
    the main thread, or where ``SIGALRM`` does not exist, the block runs unguarded.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def _alarm(signum: int, frame: Any) -> None:
        raise CaseTimeout(f"case ran past {seconds} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def count(boundary: str, kind: str, n: int = 1) -> None:
    """Add ``n`` to the tally of ``kind`` at ``boundary`` (for cases run without run_case)."""
    FUZZ_COUNTS[(boundary, kind)] += n


def expect_unknown(result: Any) -> None:
    """Accept only a decision whose outcome is UNKNOWN (junk must never decide MET/NOT_MET)."""
    outcome = getattr(result, "outcome", None)
    name = getattr(outcome, "name", None)
    if name != "UNKNOWN":
        raise FuzzFailure(f"junk input was decided {safe_repr(outcome)}; only UNKNOWN or a refusal")


def run_case(
    boundary: str,
    call: Callable[[], T],
    bad_input: Any,
    *,
    accept: Callable[[T], None] | None = expect_unknown,
    seconds: float = CASE_SECONDS,
    max_bytes: int | None = None,
) -> T | SepError:
    """Run one hostile case at ``boundary``; return its result or the SepError it raised.

    Args:
        boundary: The tally the case counts under (``"named inputs"``, ``"packs"``, …).
        call: The call to make, with the bad input already bound.
        bad_input: The bad input, shown in the failure message.
        accept: Checks a result that came back instead of a refusal; raises to fail. ``None``
            means a result is itself a failure (the input must be refused).
        seconds: The time limit for the case.
        max_bytes: If given, the case runs under ``tracemalloc`` and fails past this peak.

    Raises:
        FuzzFailure: a non-SepError escaped, the case hung, used too much memory, or its
            result failed ``accept``.
    """
    FUZZ_COUNTS[(boundary, "bad")] += 1
    shown = safe_repr(bad_input)
    tracing = max_bytes is not None and not tracemalloc.is_tracing()
    if tracing:
        tracemalloc.start()
    try:
        with time_guard(seconds):
            result = call()
    except SepError as err:
        FUZZ_COUNTS[(boundary, "refused")] += 1
        _check_message(err, boundary, shown)
        return err
    except CaseTimeout:
        raise FuzzFailure(f"{boundary}: hung (> {seconds} s) on {shown}") from None
    except RecursionError as exc:
        # A RecursionError's traceback is thousands of frames: keep the report readable.
        raise FuzzFailure(f"{boundary}: RecursionError on {shown}: {exc}") from None
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise FuzzFailure(
            f"{boundary}: {type(exc).__module__}.{type(exc).__qualname__} escaped on {shown}: "
            f"{safe_repr(str(exc)) if _str_ok(exc) else '<str raised>'}"
        ) from exc
    finally:
        if tracing:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            if max_bytes is not None and peak > max_bytes and sys.exc_info()[0] is None:
                raise FuzzFailure(f"{boundary}: peak {peak:,} B > {max_bytes:,} B on {shown}")
    if accept is None:
        raise FuzzFailure(f"{boundary}: accepted junk {shown} -> {safe_repr(result)}")
    try:
        accept(result)
    except FuzzFailure as failure:
        raise FuzzFailure(f"{boundary}: {failure} (input {shown})") from None
    except BaseException as exc:
        raise FuzzFailure(
            f"{boundary}: using the result raised {type(exc).__qualname__} on {shown}"
        ) from exc
    FUZZ_COUNTS[(boundary, "unknown")] += 1
    return result


def _str_ok(exc: BaseException) -> bool:
    try:
        str(exc)
    except BaseException:
        return False
    return True


def _check_message(err: SepError, boundary: str, shown: str) -> None:
    """A refusal must itself be printable: its message is what the user reads."""
    try:
        text = str(err)
        text.encode("utf-8")
    except BaseException as exc:
        raise FuzzFailure(
            f"{boundary}: the refusal's message cannot be printed ({type(exc).__qualname__}) "
            f"on {shown}"
        ) from exc


def run_isolated(
    boundary: str, code: str, bad_input: Any, *, seconds: float = 20.0
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter: for inputs that may hang inside one C call.

    The code must print ``refused`` (a SepError came out) or ``unknown`` (an UNKNOWN decision)
    as its last line; anything else, a traceback or a timeout fails the case.
    """
    FUZZ_COUNTS[(boundary, "bad")] += 1
    shown = safe_repr(bad_input)
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise FuzzFailure(f"{boundary}: hung (> {seconds} s, subprocess) on {shown}") from None
    last = done.stdout.strip().splitlines()[-1:] or [""]
    if done.returncode != 0 or last[0] not in ("refused", "unknown"):
        raise FuzzFailure(
            f"{boundary}: subprocess exit {done.returncode} on {shown}: "
            f"{done.stdout[-500:]}{done.stderr[-1500:]}"
        )
    FUZZ_COUNTS[(boundary, last[0])] += 1
    return done
