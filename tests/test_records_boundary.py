"""Decision records at the boundary: replay()/verify() of junk name the field of the record.

A tampered but well-formed record verifies False; a record that is not a decision record
(wrong types, missing keys, text that is not JSON, too large or too deep, malformed
parameters, a record of another pack) raises ValidationError naming ``record.<path>``.
Records are how 4.3.5 graduation decisions are archived (4.3.6), so both must hold.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from sep.errors import SepError, ValidationError
from sep.evaluation import ELIGIBILITY, check_graduation, replay, verify

pytestmark = pytest.mark.clause("4.3.5")

JUNK: list[Any] = [None, 5, -1, 1.5, True, "x", "", [], {}, [1, 2], {"a": 1}, "\ud800"]


def _record() -> dict[str, Any]:
    decision = check_graduation(
        {"revenue": "12000000", "listed": False},
        on=dt.date(2026, 1, 1),
        params={"revenue_min": "9000000"},
    )
    data: dict[str, Any] = decision.to_dict()
    return data


def _refused(call: Any, *args: Any, **kwargs: Any) -> ValidationError:
    try:
        call(*args, **kwargs)
    except ValidationError as err:
        str(err).encode("utf-8")  # the refusal is printable
        return err
    except SepError as err:  # pragma: no cover - shown by the assertion
        raise AssertionError(f"{type(err).__name__} instead of ValidationError: {err}") from err
    raise AssertionError("accepted")


@pytest.mark.parametrize("key", ["pack", "parameters", "as_of", "inputs"])
@pytest.mark.parametrize("junk", JUNK, ids=repr)
def test_junk_at_a_key_replay_reads_is_named(key: str, junk: Any) -> None:
    """Any junk at a key replay() reads is a ValidationError naming that key of the record."""
    record = _record()
    record[key] = junk
    if (key, junk) in (("inputs", {}), ("parameters", [])):
        replay(record)  # no inputs, or no recorded parameters: well-formed, merely different
        return
    err = _refused(replay, record)
    assert err.field.startswith(f"record.{key}"), err
    assert _refused(verify, record).field.startswith("record."), err


@pytest.mark.parametrize("key", ["pack", "parameters", "as_of", "inputs", "digest", "outcome"])
def test_a_missing_key_is_named(key: str) -> None:
    """A record without one of its keys is refused naming it (verify also needs digest, outcome)."""
    record = _record()
    del record[key]
    err = _refused(verify, record)
    assert err.field == f"record.{key}"
    assert "required" in err.reason


@pytest.mark.parametrize("sub", ["name", "since", "value", "source"])
@pytest.mark.parametrize("junk", [None, [], {}, True, 1.5, "not-a-date"], ids=repr)
def test_malformed_parameter_entries_are_named(sub: str, junk: Any) -> None:
    """A malformed recorded parameter names its entry: ``record.parameters[2].since``."""
    record = _record()
    record["parameters"][2][sub] = junk
    try:
        replay(record)
    except ValidationError as err:
        assert err.field.startswith("record.parameters[2]"), err
    else:
        # Only text that is a valid value of the field may pass (a string source, a value
        # string the parameter reads): then it is a well-formed, merely different record.
        assert sub in ("source", "value") and isinstance(junk, str), (sub, junk)
    for entry in ([1], ["x"], [None]):
        record = _record()
        record["parameters"] = entry
        assert _refused(replay, record).field == "record.parameters[0]"


def test_parameter_the_pack_lacks_or_given_twice_is_named() -> None:
    """A recorded parameter unknown to the pack, or given twice, names its entry."""
    record = _record()
    record["parameters"][1]["name"] = "nope"
    err = _refused(replay, record)
    assert err.field == "record.parameters[1]"
    record = _record()
    record["parameters"][1]["name"] = record["parameters"][0]["name"]
    assert _refused(replay, record).field == "record.parameters[1].name"


def test_bad_recorded_inputs_are_named_under_record_inputs() -> None:
    """A recorded input the pack cannot read is named ``record.inputs.<name>`` (4.3.5(c))."""
    record = _record()
    record["inputs"]["revenue"] = "abc"
    err = _refused(replay, record)
    assert err.field == "record.inputs.revenue"
    assert err.clause == "4.3.5(c)"


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "",
        "[1, 2]",
        '{"pack": "x", "pack": "y"}',
        "[" * 10_000 + "]" * 10_000,
        '{"a": ' + "9" * 5000 + "}",
        '"' + "x" * (17 * 1024 * 1024) + '"',
        '{"pack": "\\ud800"}',
    ],
    ids=["words", "empty", "list", "duplicate", "deep", "huge-int", "huge", "surrogate"],
)
def test_text_records_go_through_the_bounded_reader(text: str) -> None:
    """A str record that is not a bounded, valid JSON object is refused naming ``record``."""
    err = _refused(replay, text)
    assert err.field.startswith("record")
    assert _refused(verify, text).field.startswith("record")


@pytest.mark.parametrize("junk", [None, 5, 1.5, [], object(), b"\xff"], ids=repr)
def test_records_of_other_types_are_refused(junk: Any) -> None:
    """A record that is not a Decision, mapping or JSON text is refused naming ``record``."""
    assert _refused(replay, junk).field == "record"


def test_deep_mapping_record_is_refused() -> None:
    """A mapping record nested past the depth bound is refused, not a RecursionError."""
    deep: Any = "x"
    for _ in range(10_000):
        deep = {"a": deep}
    record = _record()
    record["inputs"] = deep
    assert _refused(replay, record).field.startswith("record.inputs")


def test_record_of_another_pack_is_refused() -> None:
    """Replaying a graduation record (4.3.5) against the eligibility pack names record.pack."""
    err = _refused(replay, _record(), pack=ELIGIBILITY)
    assert err.field == "record.pack"
    record = _record()
    record["pack"] = "t-cate-0001-2020/nope"
    assert _refused(replay, record).field == "record.pack"


def test_tampered_records_verify_false_and_clean_ones_true() -> None:
    """Changing a well-formed record's outcome, digest, an input or a parameter: False."""
    assert verify(_record())
    assert verify(json.dumps(_record()))
    tampered = []
    for change in (
        lambda r: r.update(outcome="met"),
        lambda r: r.update(digest="0" * 64),
        lambda r: r["inputs"].update(listed=True),
        lambda r: r["parameters"][4].update(value="1"),
        lambda r: r["criteria"][0].update(outcome="met"),
    ):
        record = copy.deepcopy(_record())
        change(record)
        tampered.append(verify(record))
    assert tampered == [False] * 5
