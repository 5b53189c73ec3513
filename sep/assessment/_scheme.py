"""Configurable scoring schemes for the platform evaluation (4.3.7-b, 4.3.7-d, Table 2).

A scheme names indicators, groups them into the four modules of Table 2, weighs them and
maps each value to a 0–100 score with a scoring function; it weighs the modules into a
total and may set the pass marks the rules layer checks (4.3.7-b). The standard sets
none of these figures, so the shipped scheme is an *example*; schemes load from TOML or
YAML files like rule packs do, and every error names the file and the key.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs

from sep._i18n import N_
from sep._reason import R_
from sep.domain._assessment import ScoringModule
from sep.domain._fields import to_decimal
from sep.errors import RuleDefinitionError, SepError, ValidationError
from sep.evaluation import EVALUATION, RulePack, builtin_pack, pack_from_mapping
from sep.evaluation._loader import read_definition

__all__ = [
    "EXAMPLE_SCHEME",
    "INDICATOR_SOURCES",
    "Indicator",
    "ScoringFunction",
    "ScoringScheme",
    "builtin_scheme",
    "load_scheme",
    "scheme_from_mapping",
]

#: Id of the shipped example scheme.
EXAMPLE_SCHEME = "sep-example-2020"

_FILES = {EXAMPLE_SCHEME: "example_2020.toml"}

#: The indicator sources a scheme may use, with the Table 2 module each belongs to.
INDICATOR_SOURCES: Mapping[str, ScoringModule] = {
    "service_tier_coverage": ScoringModule.SERVICE_SYSTEM,
    "service_freshness": ScoringModule.SERVICE_SYSTEM,
    "service_development": ScoringModule.SERVICE_SYSTEM,
    "incubatee_count": ScoringModule.INCUBATION_PERFORMANCE,
    "incubatee_valuation": ScoringModule.INCUBATION_PERFORMANCE,
    "incubatee_revenue": ScoringModule.INCUBATION_PERFORMANCE,
    "founder_financial": ScoringModule.FOUNDER_CONTRIBUTION,
    "founder_technical": ScoringModule.FOUNDER_CONTRIBUTION,
    "founder_cultural": ScoringModule.FOUNDER_CONTRIBUTION,
    "platform_revenue": ScoringModule.SUSTAINABILITY,
    "platform_profit": ScoringModule.SUSTAINABILITY,
    "platform_valuation": ScoringModule.SUSTAINABILITY,
}

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
# Highest points a module may carry: keeps every total within the number bounds.
_MAX_POINTS = Decimal(1_000_000)


def _evaluation_pack(scheme: ScoringScheme) -> RulePack:
    base = builtin_pack(EVALUATION)
    tops = {f"score_{m.value}": scheme.module_max(m) for m in ScoringModule}
    tops["score_total"] = scheme.total_max
    if all(top == _HUNDRED for top in tops.values()):
        return base
    definition = copy.deepcopy(dict(base.definition))
    for name, top in tops.items():
        definition["inputs"][name]["maximum"] = str(top)
        mark = name.removeprefix("score_")
        param = definition["parameters"][f"{mark}_min"]
        default = scheme.thresholds.get(mark, (top * Decimal("0.6")).quantize(_CENT))
        param["values"] = [
            {
                "since": "2020-09-05",
                "value": str(default),
                "source": f"scoring scheme {scheme.id} {scheme.version} (its scale: 0 to {top})",
            }
        ]
    return pack_from_mapping(definition, source=f"{base.source} on scheme {scheme.id}")


@attrs.frozen
class ScoringFunction:
    """Maps an indicator value to a score 0–100.

    ``linear``: ``zero`` scores 0 and ``full`` scores 100, linear between, clamped.
    ``bands``: the score of the highest band whose lower bound the value reaches; below
    every band, 0.

    Example:
        >>> ScoringFunction("linear", zero=Decimal(0), full=Decimal(200)).score(Decimal(50))
        Decimal('25.00')
        >>> f = ScoringFunction("bands", bands=((Decimal(10), Decimal(40)),
        ...                                      (Decimal(50), Decimal(60))))
        >>> f.score(Decimal(9)), f.score(Decimal(10)), f.score(Decimal(99))
        (Decimal('0.00'), Decimal('40.00'), Decimal('60.00'))
    """

    function: str
    zero: Decimal | None = None
    full: Decimal | None = None
    bands: tuple[tuple[Decimal, Decimal], ...] = ()

    def score(self, value: Decimal) -> Decimal:
        """The score 0–100 of ``value``, to two decimals."""
        if self.function == "linear" and self.zero is not None and self.full is not None:
            raw = (value - self.zero) / (self.full - self.zero) * _HUNDRED
            result = min(max(raw, Decimal(0)), _HUNDRED)
        else:
            result = Decimal(0)
            for at_least, points in self.bands:
                if value >= at_least:
                    result = points
        return result.quantize(Decimal("0.01"))

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form, as written in a scheme file."""
        if self.function == "linear":
            return {"function": "linear", "zero": str(self.zero), "full": str(self.full)}
        return {"function": "bands", "bands": [[str(a), str(p)] for a, p in self.bands]}


@attrs.frozen
class Indicator:
    """One indicator of a scheme: its source, module, weight and scoring function."""

    id: str
    module: ScoringModule
    weight: Decimal
    scoring: ScoringFunction
    text_en: str
    text_zh: str


@attrs.frozen
class ScoringScheme:
    """A scoring scheme for the four modules of 4.3.7-d and their total (4.3.7-b).

    Example:
        >>> s = builtin_scheme()
        >>> s.id, s.example, len(s.indicators), sorted(m.value for m in s.module_weights)[0]
        ('sep-example-2020', True, 12, 'founder_contribution')
    """

    id: str
    version: str
    title_en: str
    title_zh: str
    example: bool
    source: str
    module_weights: Mapping[ScoringModule, Decimal]
    indicators: tuple[Indicator, ...]
    thresholds: Mapping[str, Decimal]
    service_max_age_days: int = 365
    module_points: Mapping[ScoringModule, Decimal] = attrs.field(factory=dict)
    total_scale: str = "weighted"
    _pack: Any = attrs.field(default=None, init=False, eq=False, repr=False)

    def module_max(self, module: ScoringModule) -> Decimal:
        """The top of ``module``'s score scale (its points; 100 unless the scheme says)."""
        return self.module_points.get(module, _HUNDRED)

    @property
    def total_max(self) -> Decimal:
        """The top of the total's scale: 100 (weighted) or the sum of the modules' points."""
        if self.total_scale == "sum":
            return sum((self.module_max(m) for m in ScoringModule), Decimal(0))
        return _HUNDRED

    def module_score(self, module: ScoringModule, percent: Decimal) -> Decimal:
        """A module's score on its scale from the weighted mean (0–100) of its indicators."""
        return (percent * self.module_max(module) / _HUNDRED).quantize(_CENT)

    def total_of(self, modules: Mapping[ScoringModule, Decimal | None]) -> Decimal | None:
        """The total on its scale (4.3.7-b), or ``None`` while a module score is unknown.

        ``weighted``: the modules' scores as shares of their scales, weighed by the module
        weights, out of 100. ``sum``: the modules' scores added up.

        Example:
            >>> s = builtin_scheme()
            >>> s.total_of({m: Decimal(80) for m in ScoringModule}), s.total_max
            (Decimal('80.00'), Decimal('100'))
        """
        scores = [modules.get(m) for m in ScoringModule]
        if any(score is None for score in scores):
            return None
        known = {m: v for m, v in modules.items() if v is not None}
        if self.total_scale == "sum":
            return sum(known.values(), Decimal(0)).quantize(_CENT)
        weight = sum(self.module_weights.values(), Decimal(0))
        shares = sum(
            (known[m] / self.module_max(m) * self.module_weights[m] for m in ScoringModule),
            Decimal(0),
        )
        return (shares / weight * _HUNDRED).quantize(_CENT)

    def evaluation_pack(self) -> RulePack:
        """The 4.3.7-b evaluation pack on this scheme's scales.

        The shipped pack (every score 0–100) for a weighted scheme of 100-point modules;
        otherwise a copy whose score inputs have this scheme's scales and whose default
        pass marks are the scheme's (or 60 % of each scale). Replay a decision made with
        such a pack by passing it: ``replay(record, pack=scheme.evaluation_pack())``.
        """
        found: RulePack | None = self._pack
        if found is None:
            found = _evaluation_pack(self)
            object.__setattr__(self, "_pack", found)
        return found

    def indicators_of(self, module: ScoringModule) -> tuple[Indicator, ...]:
        """The indicators of ``module``, in file order."""
        return tuple(i for i in self.indicators if i.module is module)

    def params(self) -> dict[str, Decimal]:
        """The pass marks as parameter overrides of the rules layer's evaluation pack."""
        return {f"{name}_min": value for name, value in self.thresholds.items()}

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (what a report records about the scheme it used)."""
        return {
            "id": self.id,
            "version": self.version,
            "example": self.example,
            "source": self.source,
            "service_max_age_days": self.service_max_age_days,
            "module_weights": {m.value: str(w) for m, w in self.module_weights.items()},
            "thresholds": {k: str(v) for k, v in self.thresholds.items()},
            "scale": {
                "total": self.total_scale,
                "total_max": str(self.total_max),
                "modules": {m.value: str(self.module_max(m)) for m in ScoringModule},
            },
            "indicators": [
                {
                    "id": i.id,
                    "module": i.module.value,
                    "weight": str(i.weight),
                    "scoring": i.scoring.to_dict(),
                }
                for i in self.indicators
            ],
        }


def _number(source: str, key: str, value: Any, *, positive: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise RuleDefinitionError(source, key, R_("must be a number, got {value!r}", value=value))
    try:
        result = to_decimal(value)
    except SepError:
        raise RuleDefinitionError(
            source, key, R_("must be a number, got {value!r}", value=value)
        ) from None
    if positive and result <= 0:
        raise RuleDefinitionError(source, key, N_("must be greater than zero"))
    return result


def _function(source: str, key: str, data: Any) -> ScoringFunction:
    if not isinstance(data, Mapping):
        raise RuleDefinitionError(source, key, N_("must be a table with a 'function' key"))
    kind = data.get("function")
    if kind == "linear":
        zero = _number(source, f"{key}.zero", data.get("zero"))
        full = _number(source, f"{key}.full", data.get("full"))
        if zero == full:
            raise RuleDefinitionError(source, key, N_("zero and full must differ"))
        return ScoringFunction("linear", zero=zero, full=full)
    if kind == "bands":
        raw = data.get("bands")
        if not isinstance(raw, list) or not raw:
            raise RuleDefinitionError(source, f"{key}.bands", N_("must be a non-empty list"))
        bands: list[tuple[Decimal, Decimal]] = []
        for n, band in enumerate(raw):
            where = f"{key}.bands[{n}]"
            if not isinstance(band, list) or len(band) != 2:
                raise RuleDefinitionError(source, where, N_("must be [at_least, score]"))
            at_least = _number(source, where, band[0])
            points = _number(source, where, band[1])
            if not Decimal(0) <= points <= _HUNDRED:
                raise RuleDefinitionError(source, where, N_("score must be between 0 and 100"))
            if bands and at_least <= bands[-1][0]:
                raise RuleDefinitionError(source, where, N_("bands must rise strictly"))
            bands.append((at_least, points))
        return ScoringFunction("bands", bands=tuple(bands))
    raise RuleDefinitionError(source, f"{key}.function", N_("must be 'linear' or 'bands'"))


def scheme_from_mapping(data: Mapping[str, Any], *, source: str = "<mapping>") -> ScoringScheme:
    """Build a :class:`ScoringScheme` from parsed data (the layout of the scheme files).

    Raises:
        RuleDefinitionError: naming ``source`` and the key, for any bad entry.

    Example:
        >>> scheme_from_mapping({"scheme": {"id": "x", "version": "1"}})
        Traceback (most recent call last):
        ...
        sep.errors.RuleDefinitionError: <mapping>: modules: the [modules] tables are required
    """
    head = data.get("scheme")
    if not isinstance(head, Mapping):
        raise RuleDefinitionError(source, "scheme", N_("the [scheme] table is required"))
    for key in ("id", "version"):
        if not isinstance(head.get(key), str) or not head[key].strip():
            raise RuleDefinitionError(source, f"scheme.{key}", N_("must be a non-empty string"))
    modules = data.get("modules")
    if not isinstance(modules, Mapping):
        raise RuleDefinitionError(source, "modules", N_("the [modules] tables are required"))
    weights: dict[ScoringModule, Decimal] = {}
    points: dict[ScoringModule, Decimal] = {}
    scale = data.get("scale", {})
    if not isinstance(scale, Mapping):
        raise RuleDefinitionError(source, "scale", N_("must be a table"))
    total_scale = scale.get("total", "weighted")
    if total_scale not in ("weighted", "sum"):
        raise RuleDefinitionError(
            source, "scale.total", N_("must be 'weighted' or 'sum'"), clause="4.3.7-b"
        )
    if set(scale) - {"total"}:
        raise RuleDefinitionError(
            source,
            f"scale.{sorted(set(scale) - {'total'})[0]}",
            N_("unknown key; expected 'total'"),
        )
    for module in ScoringModule:
        entry = modules.get(module.value)
        if not isinstance(entry, Mapping):
            raise RuleDefinitionError(
                source, f"modules.{module.value}", N_("every module of 4.3.7-d needs a weight")
            )
        weights[module] = _number(
            source, f"modules.{module.value}.weight", entry.get("weight"), positive=True
        )
        if "points" in entry:
            points[module] = _number(
                source, f"modules.{module.value}.points", entry["points"], positive=True
            )
            if points[module] > _MAX_POINTS:
                raise RuleDefinitionError(
                    source,
                    f"modules.{module.value}.points",
                    R_("must be at most {max_points}", max_points=_MAX_POINTS),
                )
    unknown = sorted(set(modules) - {m.value for m in ScoringModule})
    if unknown:
        raise RuleDefinitionError(source, f"modules.{unknown[0]}", N_("not a module of 4.3.7-d"))
    indicators: list[Indicator] = []
    seen: set[str] = set()
    for n, entry in enumerate(data.get("indicators", [])):
        key = f"indicators[{n}]"
        if not isinstance(entry, Mapping):
            raise RuleDefinitionError(source, key, N_("must be a table"))
        ident = entry.get("id")
        if not isinstance(ident, str) or ident not in INDICATOR_SOURCES:
            raise RuleDefinitionError(
                source,
                f"{key}.id",
                R_(
                    "must be one of {indicator_sources}",
                    indicator_sources=sorted(INDICATOR_SOURCES),
                ),
            )
        if ident in seen:
            raise RuleDefinitionError(source, f"{key}.id", N_("repeats an earlier indicator"))
        seen.add(ident)
        module = INDICATOR_SOURCES[ident]
        if entry.get("module") != module.value:
            raise RuleDefinitionError(
                source,
                f"{key}.module",
                R_("{ident} belongs to {module} (Table 2)", ident=ident, module=module.value),
            )
        indicators.append(
            Indicator(
                ident,
                module,
                _number(source, f"{key}.weight", entry.get("weight"), positive=True),
                _function(source, f"{key}.scoring", entry.get("scoring")),
                str(entry.get("en", ident)),
                str(entry.get("zh", ident)),
            )
        )
    for module in ScoringModule:
        if not any(i.module is module for i in indicators):
            raise RuleDefinitionError(
                source,
                "indicators",
                R_("module {module} has no indicator (4.3.7-d)", module=module.value),
            )
    thresholds: dict[str, Decimal] = {}
    allowed = {m.value for m in ScoringModule} | {"total"}
    for name, value in dict(data.get("thresholds", {})).items():
        if name not in allowed:
            raise RuleDefinitionError(
                source, f"thresholds.{name}", R_("one of {allowed}", allowed=sorted(allowed))
            )
        mark = _number(source, f"thresholds.{name}", value)
        if name == "total":
            top = (
                sum((points.get(m, _HUNDRED) for m in ScoringModule), Decimal(0))
                if total_scale == "sum"
                else _HUNDRED
            )
        else:
            top = points.get(ScoringModule(name), _HUNDRED)
        if not Decimal(0) <= mark <= top:
            raise RuleDefinitionError(
                source,
                f"thresholds.{name}",
                R_("must be on the {name} score's scale, 0 to {top}", name=name, top=top),
                clause="4.3.7-b",
            )
        thresholds[name] = mark
    age = dict(data.get("parameters", {})).get("service_max_age_days", 365)
    if isinstance(age, bool) or not isinstance(age, int) or age <= 0:
        raise RuleDefinitionError(
            source, "parameters.service_max_age_days", N_("must be a positive whole number of days")
        )
    return ScoringScheme(
        id=head["id"],
        version=head["version"],
        title_en=str(head.get("en", head["id"])),
        title_zh=str(head.get("zh", head["id"])),
        example=bool(head.get("example", False)),
        source=source,
        module_weights=weights,
        indicators=tuple(indicators),
        thresholds=thresholds,
        service_max_age_days=age,
        module_points=points,
        total_scale=total_scale,
    )


def load_scheme(path: str | Path) -> ScoringScheme:
    """Load a scoring scheme from a ``.toml``, ``.yaml`` or ``.yml`` file.

    Raises:
        RuleDefinitionError: if the file cannot be read or an entry is wrong.

    Example:
        >>> try:
        ...     load_scheme("no/such/scheme.toml")
        ... except RuleDefinitionError as err:
        ...     print(err.source, "|", err.reason.split(":")[0])
        no/such/scheme.toml | cannot read the file
    """
    return scheme_from_mapping(read_definition(path), source=str(path))


@cache
def builtin_scheme(scheme_id: str = EXAMPLE_SCHEME) -> ScoringScheme:
    """The shipped scheme ``scheme_id`` (by default the example scheme).

    Raises:
        ValidationError: if no shipped scheme has that id.

    Example:
        >>> s = builtin_scheme()
        >>> s.example, s.thresholds["total"], s.params()["sustainability_min"]
        (True, Decimal('60'), Decimal('60'))
    """
    name = _FILES.get(scheme_id)
    if name is None:
        raise ValidationError(
            "scheme",
            scheme_id,
            R_("unknown scheme; one of {files}", files=sorted(_FILES)),
            clause="4.3.7-d",
        )
    resource = files("sep.assessment") / "schemes" / name
    data = read_definition(str(resource))
    return scheme_from_mapping(data, source=f"sep/assessment/schemes/{name}")


def resolve_scheme(scheme: ScoringScheme | str | None) -> ScoringScheme:
    """A scheme object from a scheme, a shipped id, a file path, or ``None`` (the example)."""
    if scheme is None:
        return builtin_scheme()
    if isinstance(scheme, ScoringScheme):
        return scheme
    if scheme in _FILES:
        return builtin_scheme(scheme)
    if scheme.endswith((".toml", ".yaml", ".yml")):
        return load_scheme(scheme)
    raise ValidationError(
        "scheme",
        scheme,
        R_("not a shipped scheme {files} nor a file", files=sorted(_FILES)),
        clause="4.3.7-d",
    )
