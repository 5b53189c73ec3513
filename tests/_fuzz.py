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
import traceback
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from sep._i18n import translation
from sep._reason import Reason
from sep.errors import SepError

__all__ = [
    "FUZZ_COUNTS",
    "FUZZ_FAILURES",
    "SURVEY",
    "CaseTimeout",
    "FuzzFailure",
    "count",
    "expect_unknown",
    "memory_guard",
    "report_failure",
    "run_case",
    "run_isolated",
    "safe_repr",
    "time_guard",
]

T = TypeVar("T")

#: ``(boundary, kind) -> n`` with kind one of ``"bad"``, ``"refused"``, ``"unknown"``.
FUZZ_COUNTS: Counter[tuple[str, str]] = Counter()

#: ``SEP_FUZZ_SURVEY=1``: record each kind of broken promise (with the first input that
#: showed it) in :data:`FUZZ_FAILURES` and go on, instead of failing the test: a survey of
#: everything still broken, printed at the end of the run.
SURVEY = os.environ.get("SEP_FUZZ_SURVEY") == "1"

#: ``(boundary, kind of failure) -> message``, filled in survey mode.
FUZZ_FAILURES: dict[tuple[str, str], str] = {}

#: Seconds one case may take before it counts as a hang. Generous: a case that is merely
#: slow on a loaded CI machine must not fail, a real hang (minutes, forever) must.
CASE_SECONDS = float(os.environ.get("SEP_FUZZ_CASE_SECONDS", "5"))

#: Peak bytes one case may allocate (traced only where a case asks for it).
CASE_BYTES = 64 * 1024 * 1024


class _Repr(reprlib.Repr):
    def repr_int(self, x: int, level: int) -> str:
        # repr() of an int past 4,300 digits raises: show its size instead.
        digits = x.bit_length() * 30103 // 100000 + 1
        return repr(x) if digits < 50 else f"<int of ~{digits} digits>"

    def repr_str(self, x: str, level: int) -> str:
        shown = x if len(x) <= 80 else f"{x[:40]}...{x[-20:]}"
        text = repr(shown)
        return text if len(x) <= 80 else f"{text} (len {len(x)})"


_repr = _Repr()
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


#: Address space one case may add to the process (a cap, so a runaway allocation raises
#: MemoryError in the case instead of drawing the machine's out-of-memory killer).
CASE_ADDRESS_SPACE = int(os.environ.get("SEP_FUZZ_CASE_BYTES", str(1024**3)))


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def memory_guard(extra: int = CASE_ADDRESS_SPACE) -> Iterator[None]:
    """Cap the process's address space at its current size plus ``extra`` for the block.

    Only the soft limit is lowered, and restored after: a case that tries to allocate
    gigabytes gets a MemoryError. Where ``RLIMIT_AS`` or ``/proc`` is missing the block
    runs uncapped.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux
        yield
        return
    now = _address_space()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if now is None:
        yield
        return
    cap = now + extra
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


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
    accept: Callable[[T], Any] | None = expect_unknown,
    seconds: float = CASE_SECONDS,
    max_bytes: int | None = None,
) -> T | SepError | None:
    """Run one hostile case at ``boundary``; return its result or the SepError it raised.

    Args:
        boundary: The tally the case counts under (``"named inputs"``, ``"packs"``, …).
        call: The call to make, with the bad input already bound.
        bad_input: The bad input, shown in the failure message.
        accept: Checks a result that came back instead of a refusal; raises to fail, or
            returns ``"accepted"`` to count a result that is not a decision. ``None``
            means a result is itself a failure (the input must be refused).
        seconds: The time limit for the case.
        max_bytes: If given, the case runs under ``tracemalloc`` and fails past this peak.

    Raises:
        FuzzFailure: a non-SepError escaped, the case hung, used too much memory, or its
            result failed ``accept`` (in survey mode it is recorded instead, see
            :data:`SURVEY`, and ``None`` is returned).
    """
    FUZZ_COUNTS[(boundary, "bad")] += 1
    shown = safe_repr(bad_input)
    tracing = max_bytes is not None and not tracemalloc.is_tracing()
    if tracing:
        tracemalloc.start()
    peak = 0
    try:
        with memory_guard(), time_guard(seconds):
            result = call()
    except SepError as err:
        FUZZ_COUNTS[(boundary, "refused")] += 1
        return _check_message(err, boundary, shown)
    except CaseTimeout:
        return _fail(boundary, "hang", f"hung (> {seconds} s) on {shown}")
    except MemoryError as exc:
        return _fail(boundary, f"memory {_where(exc)}", f"ran out of its memory cap on {shown}")
    except RecursionError as exc:
        # A RecursionError's traceback is thousands of frames: keep the report readable.
        return _fail(boundary, _where(exc), f"RecursionError on {shown}")
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        text = safe_repr(str(exc)) if _str_ok(exc) else "<str raised>"
        return _fail(
            boundary,
            _where(exc),
            f"{type(exc).__module__}.{type(exc).__qualname__} escaped on {shown}: {text}",
            exc,
        )
    finally:
        if tracing:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    if max_bytes is not None and peak > max_bytes:
        return _fail(boundary, "memory", f"peak {peak:,} B > {max_bytes:,} B on {shown}")
    if accept is None:
        return _fail(boundary, "accepted", f"accepted junk {shown} -> {safe_repr(result)}")
    try:
        kind = accept(result)
    except FuzzFailure as failure:
        return _fail(boundary, f"accept: {str(failure)[:60]}", f"{failure} (input {shown})")
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return _fail(
            boundary,
            f"result {_where(exc)}",
            f"using the result raised {type(exc).__qualname__} on {shown}: "
            f"{safe_repr(str(exc)) if _str_ok(exc) else ''}",
            exc,
        )
    FUZZ_COUNTS[(boundary, kind if isinstance(kind, str) else "unknown")] += 1
    return result


def _where(exc: BaseException) -> str:
    """The exception type and the innermost frame of ``sep`` it came through."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f"{os.sep}sep{os.sep}" in f.filename]
    at = ours[-1] if ours else (frames[-1] if frames else None)
    if at is None:
        return type(exc).__qualname__
    marker = f"{os.sep}sep{os.sep}"
    name = "sep/" + at.filename.rsplit(marker, 1)[-1] if ours else os.path.basename(at.filename)
    return f"{type(exc).__qualname__} at {name}:{at.lineno}"


def report_failure(
    boundary: str, signature: str, message: str, exc: BaseException | None = None
) -> None:
    """Fail the case (raise :class:`FuzzFailure`), or in survey mode record it and go on.

    For promises a test checks itself after :func:`run_case` (state kept after a refusal).
    """
    _fail(boundary, signature, message, exc)


def _fail(boundary: str, signature: str, message: str, exc: BaseException | None = None) -> None:
    FUZZ_COUNTS[(boundary, "failed")] += 1
    if SURVEY:
        FUZZ_FAILURES.setdefault((boundary, signature), message)
        return None
    raise FuzzFailure(f"{boundary}: {message}") from exc


def _str_ok(exc: BaseException) -> bool:
    try:
        str(exc)
    except BaseException:
        return False
    return True


def _check_message(err: SepError, boundary: str, shown: str) -> SepError | None:
    """A refusal must itself be printable: its message is what the user reads."""
    try:
        text = str(err)
        text.encode("utf-8")
        err.text("zh").encode("utf-8")  # the Chinese line of the CLI and the service
    except BaseException as exc:
        return _fail(
            boundary,
            f"unprintable refusal {type(exc).__qualname__}",
            f"the refusal's message cannot be printed ({type(exc).__qualname__}) on {shown}",
            exc,
        )
    untranslated = _untranslated(getattr(err, "reason", None))
    if untranslated:
        return _fail(
            boundary,
            f"untranslated reason {untranslated[0]!r}",
            f"the refusal's reason {untranslated[0]!r} has no Chinese in sep's catalogue "
            f"(mark it N_ or R_ and translate it) on {shown}",
        )
    return err


def _untranslated(reason: Any) -> list[str]:
    """The templates of ``reason`` (and of the reasons inside it) the catalogue lacks.

    Every reason ``sep`` gives is said in Chinese too (``SepError.reason_text``): a fixed
    text is a catalogue entry, one built from data is an ``R_`` template that is. A reason
    already in the reader's language (the CLI's own, translated when it was made) counts.
    """
    if not isinstance(reason, str) or not reason:
        return []
    templates = [reason.template] if isinstance(reason, Reason) else [reason]
    values = reason.values.values() if isinstance(reason, Reason) else ()
    zh = translation("zh")
    missing = [t for t in templates if zh.gettext(t) == t and not _is_chinese(t)]
    for value in values:
        missing.extend(_untranslated(value) if isinstance(value, Reason) else [])
    return missing


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


#: Prepended to the code :func:`run_isolated` runs: a memory cap, and the classification.
_ISOLATED_PRELUDE = """\
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from sep.errors import SepError
def _case():
{body}
try:
    _result = _case()
except SepError:
    print("refused")
    sys.exit(0)
_outcome = getattr(getattr(_result, "outcome", None), "name", None)
print("unknown" if _outcome == "UNKNOWN" else f"decided {{_outcome}}")
"""


def run_isolated(
    boundary: str,
    code: str,
    bad_input: Any,
    *,
    seconds: float = 20.0,
    max_bytes: int = 2 * 1024**3,
    refuse: bool = False,
) -> subprocess.CompletedProcess[str] | None:
    """Run ``code`` in a fresh interpreter: for inputs that may hang inside one C call, or
    allocate without bound (``int(Decimal("1e999999999"))``), which no signal interrupts.

    ``code`` is the body of a function (its own imports included) that makes the call and
    returns its result: a SepError counts as refused, a decision whose outcome is UNKNOWN
    as accepted (unless ``refuse``: then only a refusal passes); anything else, a
    traceback, a timeout or running out of the ``max_bytes`` address space fails the case.
    """
    FUZZ_COUNTS[(boundary, "bad")] += 1
    shown = safe_repr(bad_input)
    body = "\n".join("    " + line for line in code.strip().splitlines())
    script = _ISOLATED_PRELUDE.format(limit=max_bytes, body=body)
    try:
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=seconds,
            check=False,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        )
    except subprocess.TimeoutExpired:
        return _fail(boundary, "hang", f"hung (> {seconds} s, subprocess) on {shown}")
    last = done.stdout.strip().splitlines()[-1:] or [""]
    if done.returncode != 0 or last[0] not in (("refused",) if refuse else ("refused", "unknown")):
        tail = (done.stderr.strip().splitlines() or [""])[-1]
        return _fail(
            boundary,
            f"subprocess: {tail[:80]}",
            f"subprocess exit {done.returncode} on {shown}: {done.stdout[-300:]}"
            f"{done.stderr[-1500:]}",
        )
    FUZZ_COUNTS[(boundary, last[0])] += 1
    return done
