"""Hostile decision records and accessors (4.3.5, 4.3.6 step 1): replay and verify.

A recorded decision comes back from storage, a queue or a user: its JSON text may be
junk, its pack, date, parameters or inputs may be missing, of the wrong type, or
tampered with. :func:`~sep.evaluation.replay` must refuse junk with a
:class:`~sep.errors.SepError` or give a decision that explains and serialises;
:func:`~sep.evaluation.verify` must refuse or answer a bool, and never say True for a
record whose inputs, parameters, date, digest or outcome were changed to junk. The
accessors of a decision and of an audit report refuse unknown ids with a SepError.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sep
from sep.evaluation import (
    EVALUATION,
    GRADUATION,
    TORCH_2018_GRADUATION,
    Decision,
    check,
    check_eligibility,
    check_graduation,
    replay,
    verify,
)
from sep.examples import annex_c_platform
from tests._fuzz import FuzzFailure, run_case
from tests.strategies import (
    JUNK_AMOUNT_TEXTS,
    Hostile,
    deep_dict,
    junk_object_s,
    misspell,
    pick,
)

pytestmark = pytest.mark.clause("4.3.5", "4.3.6")

ON = dt.date(2026, 1, 1)
BOUNDARY = "replay/verify"
RECORDS = [
    check_graduation(
        {"revenue": "12000000", "profit": "2000000", "operating_cash_flow": {"2025Q4": "1"}}, on=ON
    ).to_dict(),
    check_graduation({"listed": True}, on=ON).to_dict(),
    check_eligibility({"size_class": "large", "free_cash_flow": "200000000"}, on=ON).to_dict(),
    check(EVALUATION, {"score_total": 72}, on=ON).to_dict(),
    check(TORCH_2018_GRADUATION, {"annual_revenue": {"2024": "6000000"}}, on=ON).to_dict(),
]


def explains(result: Any) -> str:
    """Accept a replayed decision only if it explains and serialises."""
    if not isinstance(result, Decision):
        raise FuzzFailure(f"replay gave {type(result).__name__}, not a Decision")
    result.explain()
    json.loads(result.to_json())
    return "accepted"


def is_bool(result: Any) -> str:
    if not isinstance(result, bool):
        raise FuzzFailure(f"verify gave {type(result).__name__}, not a bool")
    return "accepted"


def never_true(result: Any) -> str:
    """Accept only False: a record changed to junk never verifies."""
    if result is not False:
        raise FuzzFailure(f"a record changed to junk verified as {result!r}")
    return "accepted"


@st.composite
def tampered_records(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A recorded decision with one of the fields replay reads changed to junk."""
    record = copy.deepcopy(draw(st.sampled_from(RECORDS)))
    kind = draw(
        st.sampled_from(
            [
                "drop",
                "pack",
                "as_of",
                "parameters",
                "parameter",
                "inputs",
                "input",
                "digest",
                "outcome",
            ]
        )
    )
    if kind == "drop":
        del record[draw(st.sampled_from(["pack", "parameters", "as_of", "inputs"]))]
    elif kind == "pack":
        record["pack"] = draw(
            pick(
                [
                    "no/such-pack",
                    "",
                    "x.toml",
                    "../../etc/passwd.yaml",
                    5,
                    None,
                    ["t-cate-0001-2020/graduation"],
                    Hostile(),
                ]
            )
        )
    elif kind == "as_of":
        record["as_of"] = draw(
            pick(
                [
                    "2026-13-01",
                    "",
                    "20260101x",
                    20260101,
                    None,
                    "2026-01-01T00:00:00",
                    [2026, 1, 1],
                    Hostile(),
                ]
            )
        )
    elif kind == "parameters":
        record["parameters"] = draw(
            pick(
                [
                    None,
                    5,
                    "x",
                    {"name": "x"},
                    [5],
                    [None],
                    [[]],
                    [{"name": "revenue_min"}],
                    deep_dict(5_000),
                ]
            )
        )
    elif kind == "parameter":
        entry = draw(st.sampled_from(record["parameters"]))
        field = draw(st.sampled_from(["name", "value", "since", "source"]))
        bad = {
            "name": [draw(misspell(entry["name"])), 5, None, Hostile()],
            "value": [*JUNK_AMOUNT_TEXTS, None, True, [], {}, 10**5000],
            "since": ["2026-13-01", "", None, 5, "2030-01-01", Hostile()],
            "source": [None, 5, [], Hostile()],
        }[field]
        entry[field] = draw(pick(bad))
        if field == "source":
            kind = "parameter source"
    elif kind == "inputs":
        record["inputs"] = draw(pick([None, 5, "x", [], [("listed", True)], deep_dict(5_000)]))
    elif kind == "input":
        if record["inputs"]:
            name = draw(st.sampled_from(sorted(record["inputs"])))
            record["inputs"][name] = draw(junk_object_s | pick(JUNK_AMOUNT_TEXTS))
        else:
            record["inputs"]["revenu"] = "5"
    elif kind == "digest":
        record["digest"] = draw(pick(["", "0" * 64, None, 5, record["digest"].upper()]))
    else:
        record["outcome"] = draw(pick(["MET", "met ", "", None, 1, "maybe"]))
    return kind, record


@given(tampered_records())
def test_replay_refuses_tampered_records(case: tuple[str, dict[str, Any]]) -> None:
    """A record with a field replay reads removed or turned to junk (pack, date,
    parameters, inputs) is refused with a SepError, or replays to a decision that
    explains and serialises (a changed digest or outcome does not stop a replay)."""
    kind, record = case
    run_case(BOUNDARY, lambda: replay(record), (kind, record), accept=explains)


@given(tampered_records())
def test_verify_never_vouches_for_a_tampered_record(case: tuple[str, dict[str, Any]]) -> None:
    """``verify`` of a record changed to junk is refused with a SepError or False, never
    True (4.3.6 step 1 relies on a verified decision)."""
    kind, record = case
    accept = is_bool if kind == "parameter source" else never_true
    run_case(BOUNDARY, lambda: verify(record), (kind, record), accept=accept)


JUNK_RECORDS: list[Any] = [
    None,
    5,
    [],
    {},
    {"pack": GRADUATION},
    "",
    "not json",
    "[]",
    "null",
    '{"pack": "t-cate-0001-2020/graduation"}',
    "[" * 100_000,
    '{"a":' * 50_000,
    '{"pack": "t-cate-0001-2020/graduation", "as_of": "2026-01-01", "parameters": [], '
    '"inputs": {"revenue": ' + "9" * 5000 + "}}",
    '{"pack": "t-cate-0001-2020/graduation", "as_of": "2026-01-01", "parameters": [], '
    '"inputs": {"revenue": NaN}}',
    '{"pack": "x", "pack": "t-cate-0001-2020/graduation"}',
    '{"pack": "\\ud800"}',
    b'{"pack": "t-cate-0001-2020/graduation"}',
    bytes(range(256)),
    Hostile(),
    deep_dict(10_000),
]


@given(st.sampled_from(["replay", "verify"]), pick(JUNK_RECORDS))
def test_junk_records_are_refused(fn: str, record: Any) -> None:
    """Junk as a record (not a mapping, not JSON, too deep, 5,000 digits, NaN, duplicate
    keys, lone surrogates, bytes) is refused by replay and verify with a SepError."""
    call = replay if fn == "replay" else verify
    run_case(BOUNDARY, lambda: call(record), (fn, record), accept=None)


DECISION = check_graduation({"listed": True}, on=ON)
REPORT = sep.audit(annex_c_platform(portfolio=False), on=dt.date(2020, 9, 30))
JUNK_IDS: list[Any] = [
    "9.9",
    "",
    "4.3.5(z)",
    "4.3.5(B)",
    " 4.3.5(b)",
    None,
    5,
    ["4.3.5(b)"],
    Hostile(),
]


@given(pick(JUNK_IDS), st.sampled_from(["result_of", "outcome_of", "row", "status_of", "explain"]))
def test_accessors_refuse_unknown_ids(ident: Any, method: str) -> None:
    """A decision's ``result_of``/``outcome_of``/``explain(lang)`` and an audit report's
    ``row``/``status_of`` refuse an id or language they do not have with a SepError
    (``AuditReport.row("9.9")`` was a KeyError)."""
    target: Any = REPORT if method in ("row", "status_of") else DECISION
    run_case(
        BOUNDARY + " (accessors)",
        lambda: getattr(target, method)(ident),
        (method, ident),
        accept=None,
    )
