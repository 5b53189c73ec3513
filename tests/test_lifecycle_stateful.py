"""Random walks through the incubation process (4.3.2) and graduation procedure (4.3.6).

A Hypothesis state machine fires random triggers with random arguments on one file, and
checks after every step that the process kept its promises.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from sep.domain import AuditRecord, Incubatee, PlatformResource, from_json, to_json
from sep.errors import EngineError, TransitionError, ValidationError
from sep.evaluation import Decision, Outcome, check_graduation
from sep.lifecycle import IncubationFile, IncubationProcess, Rubric, RubricItem, Score, screen
from tests.strategies import incubatee_s

pytestmark = pytest.mark.clause("4.3.2", "4.3.6")

ON = dt.date(2026, 1, 1)

GRADUATION: dict[str, Decision] = {
    "acquired": check_graduation({"acquired_by_founder": True}, on=ON),
    "listed": check_graduation({"listed": True}, on=ON),
    "financed": check_graduation({"largest_financing_round": "60000000"}, on=ON),
    "unknown": check_graduation({}, on=ON),
    "not_met": check_graduation(
        {"acquired_by_founder": False, "listed": False, "revenue": "0"}, on=ON
    ),
}
_RUBRIC = Rubric((RubricItem("team", "Team"),))
_SCREENED = screen(
    _RUBRIC,
    [
        Score(a, r, {"team": m}, f"{r}: {a}")
        for a, m in (("good", 9), ("weak", 1))
        for r in ("r1", "r2", "r3")
    ]
    + [Score("thin", "r1", {"team": 8}, "alone")],
    on=ON,
)
SCREENING: dict[str, Any] = {
    "passed": _SCREENED["good"],
    "failed": _SCREENED["weak"].decision,
    "thin": _SCREENED["thin"].decision,
}
BY_DIGEST = {d.digest: d for d in GRADUATION.values()}
EXEMPT = {"4.3.5(a)", "4.3.5(b).listing"}
TRIGGERS = sorted(IncubationProcess().definition.triggers)

reasons = st.none() | st.sampled_from(["", "board decision", "term expired"])
committees = st.sampled_from([None, [], ["Wang"], ["Wang", "Li"], "Zhao", [""]])
decisions = st.none() | st.sampled_from(sorted(GRADUATION)).map(GRADUATION.__getitem__)
#: How far after the last record a trigger with an explicit ``at=`` is fired (the history
#: is in time order; an earlier time is refused and tested in test_lifecycle_boundary).
stamps = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=400))
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _exemption(decision: Decision) -> str | None:
    if decision.outcome is not Outcome.MET:
        return None
    return next((c for c in sorted(EXEMPT) if decision.outcome_of(c) is Outcome.MET), None)


class Lifecycle(RuleBasedStateMachine):
    """One incubatee's file under random triggers."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_listener = False
        self.process = IncubationProcess(listeners=[self._listener])
        self.file: IncubationFile
        self.successes = 0
        self.seen: tuple[AuditRecord, ...] = ()

    def _listener(self, file: IncubationFile, record: AuditRecord) -> None:
        if self.fail_listener:
            raise RuntimeError("store unavailable")

    @initialize(incubatee=incubatee_s())
    def open_file(self, incubatee: Incubatee) -> None:
        self.file = self.process.open(attrs.evolve(incubatee, process=None, archive=None))

    def _fire(self, trigger: str, **kwargs: Any) -> None:
        before = (self.file.state, self.file.history, self.file.resources, self.file.archive)
        try:
            record = self.file.fire(trigger, **kwargs)
        except (TransitionError, ValidationError, EngineError) as err:
            after = (self.file.state, self.file.history, self.file.resources, self.file.archive)
            assert after == before, f"{trigger} failed with {err!r} but changed the file"
            assert not isinstance(err, EngineError) or self.fail_listener
            return
        assert not self.fail_listener
        self.successes += 1
        assert record is self.file.history[-1]
        assert record.from_state == before[0] and record.to_state == self.file.state
        assert record.trigger == trigger
        legal = [t for t in self.process.definition.transitions if t.trigger == trigger]
        assert any(
            before[0] in t.sources and (t.dest or before[0]) == self.file.state for t in legal
        )

    @rule(
        trigger=st.sampled_from(TRIGGERS),
        reason=reasons,
        at=stamps,
    )
    def fire_bare(self, trigger: str, reason: str | None, at: dt.timedelta) -> None:
        """Any trigger with only a reason."""
        history = self.file.history
        self._fire(trigger, reason=reason, at=(history[-1].at if history else START) + at)

    @rule(
        screening=st.sampled_from(sorted(SCREENING)),
        agreement=st.none() | st.just("AG-1"),
        reason=reasons,
    )
    def admit_or_reject(self, screening: str, agreement: str | None, reason: str | None) -> None:
        """Screening outcomes (4.3.3) into admit or reject."""
        decision = SCREENING[screening]
        self._fire("admit", decision=decision, agreement=agreement, reason=reason)
        self._fire("reject", decision=decision, reason=reason)

    @rule(decision=decisions, reason=reasons, committee=committees, via_committee=st.booleans())
    def graduate(
        self,
        decision: Decision | None,
        reason: str | None,
        committee: Any,
        via_committee: bool,
    ) -> None:
        """4.3.6 steps 1–2 with any decision, verdict, committee and reason."""
        if via_committee:
            self._fire("refer_to_committee", decision=decision)
            self._fire("issue_certificate", committee=committee, reason=reason)
        else:
            self._fire("issue_certificate", decision=decision, reason=reason)
        self._fire("issue_non_completion_notice", committee=committee, reason=reason)

    @rule(n=st.integers(0, 3))
    def grant(self, n: int) -> None:
        """Grant a resource (4.3.6 step 3 resources)."""
        self._fire("grant_resource", resource=PlatformResource(id=f"res-{n}", kind="desk"))

    @rule(data=st.data())
    def give_back(self, data: st.DataObject) -> None:
        """Return a held resource, or a made-up one."""
        held = [r.id for r in self.file.held_resources] or ["nothing"]
        self._fire("return_resource", resource_id=data.draw(st.sampled_from(held)))

    @rule(reference=st.none() | st.just("AR-1"), documents=st.sampled_from([(), ["plan"], [3]]))
    def finish(self, reference: str | None, documents: Any) -> None:
        """4.3.6 steps 3–5 and tracking."""
        self._fire("complete_formalities")
        self._fire("issue_attestation", reference=reference)
        self._fire("create_archive", reference=reference, documents=documents)
        self._fire("start_tracking")

    @rule(steps=st.integers(1, 8), data=st.data())
    def progress(self, steps: int, data: st.DataObject) -> None:
        """Move along the process with plausible arguments, so walks reach graduation."""
        for _ in range(steps):
            state = self.file.state
            if state == "applied":
                self._fire("start_screening")
            elif state == "screening":
                self._fire("admit", decision=SCREENING["passed"], agreement="AG-2")
            elif state == "admitted":
                self._fire("start_incubation")
            elif state in ("incubating", "accelerating"):
                decision = data.draw(decisions)
                self._fire("issue_certificate", decision=decision)
                self._fire("refer_to_committee", decision=decision)
            elif state == "committee_review":
                verdict = data.draw(
                    st.sampled_from(
                        ["issue_certificate", "issue_certificate", "issue_non_completion_notice"]
                    )
                )
                self._fire(verdict, committee=["Wang"], reason=data.draw(reasons))
            elif state == "certified":
                for resource in self.file.held_resources:
                    self._fire("return_resource", resource_id=resource.id)
                self._fire("complete_formalities")
            elif state == "formalities_completed":
                self._fire("issue_attestation", reference="AT-9")
            elif state == "attested":
                self._fire("create_archive", reference="AR-9")
            elif state == "graduated":
                self._fire("start_tracking")
            else:
                return

    @rule()
    def listener_fails(self) -> None:
        """A failing listener undoes whatever trigger is tried."""
        self.fail_listener = True
        try:
            for trigger in self.file.triggers():
                self._fire(trigger, reason="x", committee=["Wang"])
        finally:
            self.fail_listener = False

    @rule()
    def reload(self) -> None:
        """4.3.2: the JSON of the incubatee resumes in the same state with the same history."""
        again = self.process.open(from_json(Incubatee, to_json(self.file.incubatee)))
        assert again.state == self.file.state
        assert again.history == self.file.history
        assert again.resources == self.file.resources
        self.file = again

    @invariant()
    def state_is_declared(self) -> None:
        """The state is always a declared state."""
        assert self.file.state in self.process.definition.state_names

    @invariant()
    def history_is_append_only(self) -> None:
        """History only grows, by one per successful transition."""
        history = self.file.history
        assert history[: len(self.seen)] == self.seen
        assert len(history) == self.successes
        self.seen = history

    @invariant()
    def graduation_is_earned(self) -> None:
        """Nobody reaches graduated without a MET decision or a committee reason, every
        resource returned, an attestation and an archive (4.3.6)."""
        history = self.file.history
        triggers = [r.trigger for r in history]
        state = self.file.state
        if state in ("formalities_completed", "attested", "graduated", "tracking"):
            assert not self.file.held_resources
            cert = next(r for r in history if r.trigger == "issue_certificate")
            assert cert.decision is not None
            assert cert.decision.outcome == "met" or (cert.reason or "").strip()
        if state in ("graduated", "tracking"):
            assert "issue_attestation" in triggers
            assert self.file.archive is not None
            order = ["issue_certificate", "complete_formalities", "issue_attestation"]
            assert [t for t in triggers if t in order] == order

    @invariant()
    def review_skipped_only_when_exempt(self) -> None:
        """4.3.6 step 1: a certificate without review only for 4.3.5(a) or listing; a review
        only when not exempt."""
        for record in self.file.history:
            if record.trigger == "issue_certificate" and record.from_state != "committee_review":
                assert record.decision is not None
                decision = BY_DIGEST.get(record.decision.digest)
                computed = decision is None
                if not computed:
                    assert _exemption(decision) is not None
                skipped = dict(record.data)["review"]
                assert skipped.split()[-1] in EXEMPT
            if record.trigger == "refer_to_committee" and record.decision is not None:
                decision = BY_DIGEST.get(record.decision.digest)
                if decision is not None:
                    assert _exemption(decision) is None


# The loaded profile (health checks, derandomising) with a walk count that keeps it quick.
Lifecycle.TestCase.settings = settings(settings(), max_examples=40, stateful_step_count=30)
test_lifecycle = Lifecycle.TestCase
