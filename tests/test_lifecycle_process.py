"""The incubation process (4.3.2) and the graduation procedure (4.3.6), driven file by file."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import attrs
import pytest

from sep.domain import (
    AuditRecord,
    FinancingRound,
    Incubatee,
    Money,
    Origin,
    PlatformResource,
    ProcessRecord,
    from_json,
    to_json,
)
from sep.errors import EngineError, SepError, TransitionError, ValidationError
from sep.evaluation import Decision, check_graduation
from sep.lifecycle import (
    IncubationFile,
    IncubationProcess,
    Rubric,
    RubricItem,
    Score,
    Screening,
    screen,
)

pytestmark = pytest.mark.clause("4.3.2", "4.3.3", "4.3.5(a)", "4.3.5(b)", "4.3.6")

ON = dt.date(2026, 1, 1)
AT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)

#: Graduation decisions of each kind the 4.3.6 procedure distinguishes.
ACQUIRED = check_graduation({"acquired_by_founder": True}, on=ON)
LISTED = check_graduation({"listed": True}, on=ON)
FINANCED = check_graduation({"largest_financing_round": "60000000"}, on=ON)
UNKNOWN = check_graduation({}, on=ON)
NOT_MET = check_graduation(
    {
        "acquired_by_founder": False,
        "listed": False,
        "largest_financing_round": "0",
        "revenue": "0",
        "platform_equity_exited": False,
    },
    on=ON,
)


def _screened(passed: bool = True) -> Screening:
    rubric = Rubric((RubricItem("team", "Team"), RubricItem("market", "Market")))
    marks = {"good": 9, "weak": 2}
    scores = [
        Score(app, reviewer, {"team": m, "market": m}, f"{reviewer} on {app}")
        for app, m in marks.items()
        for reviewer in ("r1", "r2", "r3")
    ]
    return screen(rubric, scores, on=ON)["good" if passed else "weak"]


def _incubatee(**kw: Any) -> Incubatee:
    return Incubatee(id="h-001", name="Leishen", origin=Origin.INTERNAL, **kw)


def _incubating(process: IncubationProcess | None = None, **kw: Any) -> IncubationFile:
    """A file admitted after screening, holding one desk, in incubation."""
    f = (process or IncubationProcess()).open(_incubatee(**kw))
    f.fire("start_screening", at=AT)
    f.fire("admit", decision=_screened(), agreement="AG-7", actor="mgr", at=AT)
    f.fire("grant_resource", resource=PlatformResource(id="desk-1", kind="space"), at=AT)
    f.fire("start_incubation", at=AT)
    return f


def _finish(f: IncubationFile) -> None:
    f.fire("return_resource", resource_id="desk-1", at=AT)
    f.fire("complete_formalities", at=AT)
    f.fire("issue_attestation", reference="AT-1", at=AT)
    f.fire("create_archive", reference="AR-1", documents=["agreement"], at=AT)


def _unchanged(f: IncubationFile, trigger: str, **kw: Any) -> SepError:
    """Fire ``trigger`` expecting a refusal; check nothing moved; return the error."""
    state, history, resources = f.state, f.history, f.resources
    with pytest.raises(SepError) as info:
        f.fire(trigger, **kw)
    assert (f.state, f.history, f.resources) == (state, history, resources)
    return info.value


def test_exempt_graduation_skips_the_committee_and_runs_steps_in_order() -> None:
    """4.3.6: MET through internal acquisition goes certificate → formalities → attestation
    → archive with no committee review, and every step is recorded in order."""
    f = _incubating()
    record = f.fire("issue_certificate", decision=ACQUIRED, reference="C-1", at=AT)
    assert record.decision is not None and record.decision.digest == ACQUIRED.digest
    assert ("review", "skipped: met through 4.3.5(a)") in record.data
    _finish(f)
    assert f.state == "graduated"
    assert [r.trigger for r in f.history][-5:] == [
        "issue_certificate",
        "return_resource",
        "complete_formalities",
        "issue_attestation",
        "create_archive",
    ]
    assert f.archive is not None
    assert f.archive.documents == ("agreement", "certificate: C-1", "attestation: AT-1")
    assert not any(r.trigger == "refer_to_committee" for r in f.history)


def test_listing_is_exempt_but_large_financing_is_reviewed() -> None:
    """4.3.6 step 1: listing (4.3.5(b)) skips the review; large financing, also 4.3.5(b),
    must go to the expert committee and cannot be certified directly."""
    listed = _incubating()
    listed.fire("issue_certificate", decision=LISTED, at=AT)
    assert listed.state == "certified"
    with pytest.raises(TransitionError, match="listing"):
        _incubating().fire("refer_to_committee", decision=LISTED, at=AT)

    financed = _incubating()
    err = _unchanged(financed, "issue_certificate", decision=FINANCED, at=AT)
    assert isinstance(err, TransitionError) and "committee" in err.reason
    assert err.clause == "4.3.6"
    financed.fire("refer_to_committee", decision=FINANCED, at=AT)
    financed.fire("issue_certificate", committee=["Wang", "Li"], at=AT)
    assert financed.state == "certified"


def test_committee_verdict_against_an_unmet_decision_needs_a_reason() -> None:
    """4.3.6 step 2: graduating against a NOT_MET or UNKNOWN decision is refused without a
    recorded reason, and accepted with one, which the certificate record keeps."""
    for decision in (NOT_MET, UNKNOWN):
        f = _incubating()
        f.fire("refer_to_committee", decision=decision, at=AT)
        err = _unchanged(f, "issue_certificate", committee=["Wang"], at=AT)
        assert "needs a recorded reason" in str(err)
        record = f.fire("issue_certificate", committee=["Wang"], reason="strategic unit", at=AT)
        assert record.reason == "strategic unit"
        assert record.decision is not None and record.decision.outcome == decision.outcome.value
        assert ("committee", "Wang") in record.data and ("verdict", "graduate") in record.data


def test_committee_members_are_required() -> None:
    """4.3.6 step 1: the expert committee's members must be recorded with its verdict."""
    f = _incubating()
    f.fire("refer_to_committee", decision=FINANCED, at=AT)
    for members in (None, [], [""], "  "):
        _unchanged(f, "issue_certificate", committee=members, at=AT)
        _unchanged(f, "issue_non_completion_notice", committee=members, at=AT)


def test_non_completion_notice_ends_the_incubation() -> None:
    """4.3.6 step 2: a non-completion notice (肄业通知书) leads to a final state."""
    f = _incubating()
    f.fire("refer_to_committee", decision=NOT_MET, at=AT)
    record = f.fire("issue_non_completion_notice", committee=["Wang"], reference="N-1", at=AT)
    assert f.state == "non_completed"
    assert ("verdict", "non_completion") in record.data
    assert f.triggers() == ()
    _unchanged(f, "issue_certificate", committee=["Wang"], reason="x", at=AT)


def test_formalities_wait_for_every_resource() -> None:
    """4.3.6 step 3: formalities complete only when every platform resource is returned."""
    f = _incubating()
    f.fire("grant_resource", resource=PlatformResource(id="lab-2", kind="equipment"), at=AT)
    f.fire("issue_certificate", decision=ACQUIRED, at=AT)
    err = _unchanged(f, "complete_formalities", at=AT)
    assert "desk-1" in str(err) and "lab-2" in str(err)
    f.fire("return_resource", resource_id="desk-1", at=AT)
    _unchanged(f, "complete_formalities", at=AT)
    f.fire("return_resource", resource_id="lab-2", on=dt.date(2026, 2, 27), at=AT)
    f.fire("complete_formalities", at=AT)
    returned = {r.id: r.returned_on for r in f.resources}
    assert returned == {"desk-1": AT.date(), "lab-2": dt.date(2026, 2, 27)}
    _unchanged(f, "return_resource", resource_id="lab-2", at=AT)


def test_steps_cannot_be_skipped_or_reordered() -> None:
    """4.3.6: attestation before formalities, archive before attestation, certificate
    after attestation: each is an illegal trigger naming the state it stays in."""
    f = _incubating()
    for trigger, kw in (
        ("complete_formalities", {}),
        ("issue_attestation", {}),
        ("create_archive", {"reference": "AR"}),
        ("start_tracking", {}),
    ):
        err = _unchanged(f, trigger, at=AT, **kw)
        assert isinstance(err, TransitionError) and err.state == "incubating"
    f.fire("issue_certificate", decision=ACQUIRED, at=AT)
    _unchanged(f, "issue_attestation", at=AT)
    f.fire("return_resource", resource_id="desk-1", at=AT)
    f.fire("complete_formalities", at=AT)
    _unchanged(f, "create_archive", reference="AR", at=AT)
    _unchanged(f, "issue_certificate", decision=ACQUIRED, at=AT)


def test_graduation_decision_is_computed_when_not_given() -> None:
    """4.3.5 via 4.3.6: without ``decision=`` the process asks check_graduation about the
    incubatee itself and records that decision's digest and edition."""
    f = _incubating(acquired_by_founder=True)
    record = f.fire("issue_certificate", at=AT)
    expected = check_graduation({"acquired_by_founder": True}, on=AT.date())
    assert record.decision is not None
    assert record.decision.outcome == "met"
    assert record.decision.edition == expected.edition
    assert record.decision.pack == expected.pack
    plain = _incubating()
    err = _unchanged(plain, "issue_certificate", at=AT)
    assert "unknown" in str(err)


def test_graduation_params_reach_the_rules() -> None:
    """4.3.5(b): a platform's own large-financing threshold decides whether a 30m round is
    large, in the decision the process computes and records."""
    raised = _incubatee(
        financing_rounds=(FinancingRound(amount=Money.wan(3000), independent=True),)
    )
    default = IncubationProcess().open(raised)
    low = IncubationProcess(graduation_params={"large_financing_min": "20000000"}).open(raised)
    assert (
        default.process.graduation_decision(default, on=ON).outcome_of("4.3.5(b).financing").value
        == "not_met"
    )
    assert (
        low.process.graduation_decision(low, on=ON).outcome_of("4.3.5(b).financing").value == "met"
    )
    for f in (default, low):
        for step in ("start_screening", "admit", "start_incubation"):
            extra = {"decision": _screened(), "agreement": "AG"} if step == "admit" else {}
            f.fire(step, at=AT, **extra)
        f.fire("refer_to_committee", at=AT)
    outcomes = [f.history[-1].decision.outcome for f in (default, low)]  # type: ignore[union-attr]
    assert outcomes == ["unknown", "met"]


def test_screening_gates_admission_and_keeps_reviewer_reasons() -> None:
    """4.3.3: admission needs a MET screening decision and the agreement; the admit record
    keeps each reviewer's score and reason and the decision's digest."""
    f = IncubationProcess().open(_incubatee())
    f.fire("start_screening", at=AT)
    _unchanged(f, "admit", decision=_screened(passed=False), agreement="AG", at=AT)
    _unchanged(f, "admit", decision=_screened(), at=AT)
    _unchanged(f, "admit", decision=ACQUIRED, agreement="AG", at=AT)
    passed = _screened()
    record = f.fire("admit", decision=passed, agreement="AG-1", at=AT)
    assert record.decision is not None and record.decision.digest == passed.decision.digest
    data = dict(record.data)
    assert data["agreement"] == "AG-1"
    assert data["score.r1"].endswith("r1 on good")


def test_rejection_needs_a_failing_screening_or_a_reason() -> None:
    """4.3.3: rejection is justified by a NOT_MET screening of a complete panel, else by
    a recorded reason."""
    f = IncubationProcess().open(_incubatee())
    f.fire("start_screening", at=AT)
    _unchanged(f, "reject", at=AT)
    _unchanged(f, "reject", decision=_screened(), at=AT)
    f.fire("reject", decision=_screened(passed=False), at=AT)
    assert f.state == "rejected"
    g = IncubationProcess().open(_incubatee())
    g.fire("start_screening", at=AT)
    g.fire("reject", reason="out of the founder's chain", at=AT)
    assert g.state == "rejected"


def test_illegal_and_unknown_triggers_raise_transition_error() -> None:
    """4.3.2: a trigger not allowed from the state, or not in the process, raises
    TransitionError and leaves the file unchanged."""
    f = IncubationProcess().open(_incubatee())
    err = _unchanged(f, "issue_certificate", at=AT)
    assert isinstance(err, TransitionError)
    assert (err.trigger, err.state) == ("issue_certificate", "applied")
    err = _unchanged(f, "teleport", at=AT)
    assert isinstance(err, TransitionError) and "unknown trigger" in err.reason
    err = _unchanged(f, "start_screening", colour="red", at=AT)
    assert isinstance(err, ValidationError) and err.field == "colour"
    err = _unchanged(f, "start_screening", at=dt.datetime(2026, 1, 1))
    assert isinstance(err, ValidationError) and err.field == "at"


def test_bad_decision_argument_leaves_the_file_unchanged() -> None:
    """4.3.5: a guard raising on a wrong decision type leaves state and history as they were."""
    f = _incubating()
    err = _unchanged(f, "refer_to_committee", decision="met", at=AT)
    assert isinstance(err, ValidationError) and err.field == "decision"
    err = _unchanged(f, "refer_to_committee", decision=_screened().decision, at=AT)
    assert isinstance(err, ValidationError)


def test_exception_in_a_listener_rolls_back_state_and_history() -> None:
    """4.3.2: an exception after the state changed (transitions does not roll back) leaves
    the file as it was; a non-sep exception reaches the caller as EngineError."""
    fail = {"on": False}

    def listener(file: IncubationFile, record: AuditRecord) -> None:
        if fail["on"]:
            raise RuntimeError("CRM store is down")

    f = _incubating(IncubationProcess(listeners=[listener]))
    fail["on"] = True
    before = (f.state, f.history, f.resources, f.archive)
    with pytest.raises(EngineError, match="CRM store is down"):
        f.fire("issue_certificate", decision=ACQUIRED, at=AT)
    with pytest.raises(EngineError):
        f.fire("return_resource", resource_id="desk-1", at=AT)
    assert (f.state, f.history, f.resources, f.archive) == before
    fail["on"] = False
    f.fire("issue_certificate", decision=ACQUIRED, at=AT)
    assert f.state == "certified"


def test_history_round_trips_through_json_and_resumes() -> None:
    """4.3.2: an incubatee restored from its JSON resumes in the same state, with the
    same history, and can continue the procedure."""
    process = IncubationProcess()
    f = _incubating(process)
    f.fire("refer_to_committee", decision=FINANCED, at=AT)
    text = to_json(f.incubatee)
    g = process.open(from_json(Incubatee, text))
    assert g.state == "committee_review" and g.history == f.history
    assert g.held_resources == f.held_resources
    g.fire("issue_certificate", committee=["Wang"], at=AT)
    _finish(g)
    assert g.incubatee.process is not None and g.incubatee.process.state == "graduated"
    assert g.incubatee.admitted == AT.date()


def test_restoring_an_unknown_state_is_refused() -> None:
    """4.3.2: a recorded state that is not a state of the process is a ValidationError."""
    process = IncubationProcess()
    with pytest.raises(ValidationError) as info:
        process.open(_incubatee(process=ProcessRecord("limbo")))
    assert info.value.field == "process.state" and info.value.clause == "4.3.2"
    stale = AuditRecord("applied", "screening", "start_screening", AT)
    with pytest.raises(ValidationError):
        process.open(_incubatee(process=ProcessRecord("applied", (stale,))))


def test_files_are_independent_of_each_other() -> None:
    """One machine serves many files: firing one never moves another (unlike set_state)."""
    process = IncubationProcess()
    files = [process.open(_incubatee()) for _ in range(5)]
    files[2].fire("start_screening", at=AT)
    assert [f.state for f in files] == ["applied"] * 2 + ["screening"] + ["applied"] * 2
    assert process.machine.models == []


def test_thread_safe_files_take_concurrent_triggers() -> None:
    """A service firing from several threads on shared files loses no transition and
    never corrupts a history (per-file locks)."""
    process = IncubationProcess(thread_safe=True)
    files = [_incubating(process) for _ in range(4)]
    per_thread = 50
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(per_thread):
                target = files[(n + i) % len(files)]
                resource = PlatformResource(id=f"r-{n}-{i}", kind="desk")
                target.fire("grant_resource", resource=resource, at=AT)
                target.fire("return_resource", resource_id=f"r-{n}-{i}", at=AT)
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = sum(len(f.history) for f in files)
    assert total == 4 * 4 + 6 * per_thread * 2
    for f in files:
        assert all(r.returned_on is not None for r in f.resources if r.id != "desk-1")
        grants = [r for r in f.history if r.trigger == "grant_resource"]
        assert len(grants) == len(f.resources)


def test_tracking_follows_graduation() -> None:
    """4.3.2: post-graduation tracking begins after graduation and records follow-ups."""
    f = _incubating()
    f.fire("issue_certificate", decision=LISTED, at=AT)
    _finish(f)
    f.fire("start_tracking", at=AT)
    _unchanged(f, "record_follow_up", at=AT)
    record = f.fire("record_follow_up", reason="revenue doubled", actor="mgr", at=AT)
    assert (record.from_state, record.to_state) == ("tracking", "tracking")


def test_withdraw_and_terminate_are_other_ends() -> None:
    """4.3.2 (DB51/T 2698 6.3): withdrawal and termination end the process; termination
    needs a reason."""
    f = _incubating()
    _unchanged(f, "terminate", at=AT)
    f.fire("terminate", reason="term of 48 months expired", at=AT)
    assert f.state == "terminated" and f.triggers() == ()
    g = IncubationProcess().open(_incubatee())
    g.fire("withdraw", at=AT)
    assert g.state == "withdrawn"


def test_acceleration_is_recorded_on_the_incubatee() -> None:
    """Annex C: admission to the accelerator sets ``accelerated`` and keeps graduation open."""
    f = _incubating()
    f.fire("accelerate", at=AT)
    assert f.incubatee.accelerated is True
    f.fire("refer_to_committee", decision=FINANCED, at=AT)
    assert f.state == "committee_review"


def test_decisions_are_rules_layer_decisions() -> None:
    """4.3.3: the screening outcome is a sep Decision with digest, pack and edition."""
    decision = _screened().decision
    assert isinstance(decision, Decision)
    assert decision.pack == "t-cate-0001-2020/screening"
    assert decision.edition == "T/CATE 0001—2020"
    assert decision.verify()


def test_records_equal_validated_records() -> None:
    """4.3.2: each audit record the process builds is what the validated AuditRecord
    constructor builds from the same values (the fast path skips no check that matters)."""
    f = _incubating()
    f.fire("refer_to_committee", decision=FINANCED, actor="desk", reason="board asks", at=AT)
    f.fire("issue_certificate", committee=["Wang", "Li"], reference="C-9", at=AT)
    _finish(f)
    for record in f.history:
        again = AuditRecord(**attrs.asdict(record, recurse=False))
        assert again == record and hash(again) == hash(record)
        assert repr(again) == repr(record)


def test_actor_and_reason_must_be_text() -> None:
    """4.3.2: an empty or non-string actor or reason is refused before anything moves."""
    f = IncubationProcess().open(_incubatee())
    for field, value in (("actor", ""), ("actor", 7), ("reason", "  "), ("reason", b"x")):
        err = _unchanged(f, "start_screening", at=AT, **{field: value})
        assert isinstance(err, ValidationError) and err.field == field


def test_state_moves_only_by_triggers() -> None:
    """4.3.6: no step is skipped by writing the state: ``state`` is read-only."""
    f = _incubating()
    with pytest.raises(AttributeError):
        f.state = "graduated"  # type: ignore[misc]
    assert f.state == "incubating"


def test_recorded_references_must_be_text() -> None:
    """4.3.6: a reference or agreement given as an empty, blank or non-text value is
    refused, the file unchanged (it was recorded as ``("reference", "")``)."""
    f = _incubating()
    f.fire("issue_certificate", decision=ACQUIRED, at=AT)
    f.fire("return_resource", resource_id="desk-1", at=AT)
    f.fire("complete_formalities", at=AT)
    for bad in ("", "   ", 5, ["AT-1"]):
        err = _unchanged(f, "issue_attestation", reference=bad, at=AT)
        assert isinstance(err, ValidationError) and err.field == "reference"
