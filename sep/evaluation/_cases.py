"""Rule test cases as data: inputs → expected outcome, per criterion, in a TOML file.

A platform operator who changes a parameter or writes a pack states what it must decide
(for 4.3.5, 4.2.1, 4.3.7-b or their own document) in a case file and runs it with pytest
or with :func:`run_cases`. A case file looks like::

    [file]
    pack = "t-cate-0001-2020/graduation"   # a shipped pack id, or a pack file path
    on = 2026-01-01                        # date for effective-dated parameters

    [[case]]
    name = "revenue exactly at the threshold meets 4.3.5(c).revenue"
    inputs = { revenue = "10000000" }
    outcome = "unknown"                    # met | not_met | unknown
    criteria = { "4.3.5(c).revenue" = "met", "4.3.5(c)" = "unknown" }
    missing = ["profit"]                   # optional: inputs that must be listed missing
    params = { revenue_min = "10000000" }  # optional overrides
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from sep import errors
from sep._i18n import N_, gettext, label
from sep._reason import R_
from sep.errors import RuleDefinitionError, SepError, ValidationError
from sep.evaluation._api import _FILES, builtin_pack, check
from sep.evaluation._loader import _source, iso_date, load_pack, read_definition
from sep.evaluation._outcome import Outcome
from sep.evaluation._spec import RulePack

__all__ = ["RuleCase", "load_cases", "run_cases"]

_OUTCOMES = {o.value: o for o in Outcome}


@attrs.frozen
class RuleCase:
    """One case of a case file.

    Attributes:
        name: What the case shows (shown as the test's name).
        pack: The pack it runs against.
        inputs: The facts.
        outcome: Expected overall outcome, or ``None`` to not check it.
        criteria: Expected outcome per criterion id.
        missing: Inputs the decision must list as missing.
        params: Parameter overrides.
        on: Date for parameters.
        error: Expected error class name when the inputs must be refused.
        source: ``file:case[i]`` for messages.
    """

    name: str
    pack: RulePack
    inputs: Mapping[str, Any]
    outcome: Outcome | None
    criteria: Mapping[str, Outcome]
    missing: tuple[str, ...]
    params: Mapping[str, Any]
    on: dt.date | None
    error: str | None
    source: str

    def run(self, lang: str = "en") -> list[str]:
        """Run the case; return the mismatches as readable lines (empty when it passes).

        Args:
            lang: ``"en"`` (default) or ``"zh"``: the language of the lines and of the
                decision's explanation under them (names, ids and error reasons stay as
                they are).

        Raises:
            ValidationError: ``lang`` is not a language sep speaks.
        """
        _ = gettext(lang)
        try:
            decision = check(self.pack, self.inputs, params=self.params or None, on=self.on)
        except SepError as err:
            if self.error is not None and type(err).__name__ == self.error:
                return []
            return [_("raised {error}: {reason}").format(error=type(err).__name__, reason=err)]
        if self.error is not None:
            return [
                _("expected {error}, but it decided {outcome}").format(
                    error=self.error, outcome=label(decision.outcome, lang)
                )
            ]
        problems: list[str] = []
        if self.outcome is not None and decision.outcome is not self.outcome:
            problems.append(
                _("outcome: expected {expected}, got {got}").format(
                    expected=label(self.outcome, lang), got=label(decision.outcome, lang)
                )
            )
        for criterion_id, expected in self.criteria.items():
            try:
                got = decision.outcome_of(criterion_id)
            except SepError:
                problems.append(
                    _("{criterion}: no such criterion in {pack}").format(
                        criterion=criterion_id, pack=self.pack.id
                    )
                )
                continue
            if got is not expected:
                problems.append(
                    _("{criterion}: expected {expected}, got {got}").format(
                        criterion=criterion_id,
                        expected=label(expected, lang),
                        got=label(got, lang),
                    )
                )
        for name in self.missing:
            if name not in decision.missing:
                problems.append(
                    _("missing: {name} not listed (listed: {listed})").format(
                        name=repr(name), listed=list(decision.missing)
                    )
                )
        if problems:
            problems.append(_("decision:"))
            problems.extend("  " + line for line in decision.explain(lang).splitlines())
        return problems


def _outcome(source: str, key: str, value: Any) -> Outcome:
    if not isinstance(value, str) or value not in _OUTCOMES:
        raise RuleDefinitionError(
            source, key, R_("must be one of {outcomes}", outcomes=sorted(_OUTCOMES))
        )
    return _OUTCOMES[value]


_HEAD_KEYS = frozenset({"pack", "on"})
_CASE_KEYS = frozenset(
    {"name", "inputs", "outcome", "criteria", "missing", "params", "on", "error"}
)
_ERRORS = frozenset(name for name in errors.__all__ if name.endswith("Error"))


def _table(source: str, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise RuleDefinitionError(source, key, N_("must be a table"))
    return dict(value)


def _keys(source: str, key: str, table: Mapping[str, Any], allowed: frozenset[str]) -> None:
    for name in table:
        if name not in allowed:
            raise RuleDefinitionError(
                source,
                f"{key}.{name}",
                R_("unknown key; expected one of {allowed}", allowed=sorted(allowed)),
            )


def _on(source: str, key: str, value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return iso_date(value)
    except ValidationError as err:
        raise RuleDefinitionError(source, key, err.reason) from None


def load_cases(path: str | Path) -> list[RuleCase]:
    """Read a case file.

    Raises:
        RuleDefinitionError: naming the file and key of a malformed case (an unknown key,
            a value of the wrong kind, an unknown outcome or error name, a duplicate name).
    """
    source = _source(path)
    data = read_definition(path)
    _keys(source, "", data, frozenset({"file", "case"}))
    head = _table(source, "file", data.get("file", {}))
    _keys(source, "file", head, _HEAD_KEYS)
    pack_ref = head.get("pack")
    if not isinstance(pack_ref, str) or not pack_ref:
        raise RuleDefinitionError(source, "file.pack", N_("is required: a pack id or file"))
    is_builtin = pack_ref in _FILES
    pack = builtin_pack(pack_ref) if is_builtin else load_pack(Path(path).parent / pack_ref)
    default_on = _on(source, "file.on", head.get("on"))
    cases = data.get("case")
    if not isinstance(cases, list) or not cases:
        raise RuleDefinitionError(source, "case", N_("is required: a list of [[case]] tables"))
    out: list[RuleCase] = []
    names: set[str] = set()
    for i, raw in enumerate(cases):
        key = f"case[{i}]"
        raw = _table(source, key, raw)
        _keys(source, key, raw, _CASE_KEYS)
        name = raw.get("name")
        if not isinstance(name, str) or not name:
            raise RuleDefinitionError(source, f"{key}.name", N_("is required: a non-empty string"))
        if name in names:
            raise RuleDefinitionError(source, f"{key}.name", R_("duplicate id {name!r}", name=name))
        names.add(name)
        criteria = _table(source, f"{key}.criteria", raw.get("criteria", {}))
        missing = raw.get("missing", [])
        if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
            raise RuleDefinitionError(source, f"{key}.missing", N_("must be a list of input names"))
        error = raw.get("error")
        if error is not None and error not in _ERRORS:
            raise RuleDefinitionError(
                source,
                f"{key}.error",
                R_("must be one of {errors} (got {error!r})", errors=sorted(_ERRORS), error=error),
            )
        on = _on(source, f"{key}.on", raw["on"]) if "on" in raw else default_on
        out.append(
            RuleCase(
                name=name,
                pack=pack,
                inputs=_table(source, f"{key}.inputs", raw.get("inputs", {})),
                outcome=(
                    _outcome(source, f"{key}.outcome", raw["outcome"]) if "outcome" in raw else None
                ),
                criteria={
                    k: _outcome(source, f"{key}.criteria.{k}", v) for k, v in criteria.items()
                },
                missing=tuple(missing),
                params=_table(source, f"{key}.params", raw.get("params", {})),
                on=on,
                error=error,
                source=f"{source}:{key}",
            )
        )
    return out


def run_cases(path: str | Path) -> dict[str, list[str]]:
    """Run every case of a file; map each failing case's name to its mismatches.

    Example:
        >>> from importlib.resources import files
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "cases.toml")
        >>> _ = open(p, "w").write('''[file]
        ... pack = "t-cate-0001-2020/graduation"
        ... [[case]]
        ... name = "listing alone graduates (4.3.5(b))"
        ... inputs = { listed = true }
        ... outcome = "met"
        ... ''')
        >>> run_cases(p)
        {}
    """
    return {case.name: problems for case in load_cases(path) if (problems := case.run())}
