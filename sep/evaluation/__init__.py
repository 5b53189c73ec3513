"""Rules as data, decisions that explain themselves (T/CATE 0001—2020 3.1, 4.2.1, 4.3.5, 4.3.7).

Three rule packs ship as TOML files: founder eligibility (3.1 and all of 4.2.1(1)–(4)),
incubatee graduation (any of 4.3.5(a)–(d)) and platform evaluation thresholds (each
4.3.7-d module and the total, 4.3.7-b); a fourth gives the graduation conditions of
科技企业孵化器管理办法 (国科发区〔2018〕300号). Thresholds the standard leaves open are
effective-dated parameters a platform overrides.

Example:
    >>> from sep.evaluation import check_graduation, Outcome
    >>> d = check_graduation({"revenue": "8200000", "profit": "2000000"})
    >>> d.outcome is Outcome.UNKNOWN, d.result_of("4.3.5(c).revenue").margin
    (True, Decimal('-1800000'))
"""

from __future__ import annotations

from sep._written import batch_summary_schema, decision_schema
from sep.evaluation._api import (
    ELIGIBILITY,
    EVALUATION,
    GRADUATION,
    TORCH_2018_GRADUATION,
    builtin_pack,
    builtin_packs,
    check,
    check_eligibility,
    check_evaluation,
    check_graduation,
    compile_pack,
    replay,
    verify,
)
from sep.evaluation._batch import (
    BatchResult,
    SeriesColumn,
    check_batch,
    check_eligibility_batch,
    check_evaluation_batch,
    check_graduation_batch,
    columns_from,
    synthetic_graduation_columns,
)
from sep.evaluation._cases import RuleCase, load_cases, run_cases
from sep.evaluation._decision import Change, Check, CriterionResult, Decision, ParameterUse
from sep.evaluation._engine import Evaluator
from sep.evaluation._loader import load_pack, load_parameters, pack_from_mapping
from sep.evaluation._outcome import Outcome
from sep.evaluation._schema import input_schema
from sep.evaluation._spec import (
    All,
    AnyOf,
    Condition,
    Criterion,
    InputSpec,
    Leaf,
    Not,
    ParameterSpec,
    ParameterValue,
    RulePack,
)
from sep.evaluation._stream import GraduationStream, RuleStream, check_stream

__all__ = [
    "ELIGIBILITY",
    "EVALUATION",
    "GRADUATION",
    "TORCH_2018_GRADUATION",
    "All",
    "AnyOf",
    "BatchResult",
    "Change",
    "Check",
    "Condition",
    "Criterion",
    "CriterionResult",
    "Decision",
    "Evaluator",
    "GraduationStream",
    "InputSpec",
    "Leaf",
    "Not",
    "Outcome",
    "ParameterSpec",
    "ParameterUse",
    "ParameterValue",
    "RuleCase",
    "RulePack",
    "RuleStream",
    "SeriesColumn",
    "batch_summary_schema",
    "builtin_pack",
    "builtin_packs",
    "check",
    "check_batch",
    "check_eligibility",
    "check_eligibility_batch",
    "check_evaluation",
    "check_evaluation_batch",
    "check_graduation",
    "check_graduation_batch",
    "check_stream",
    "columns_from",
    "compile_pack",
    "decision_schema",
    "input_schema",
    "load_cases",
    "load_pack",
    "load_parameters",
    "pack_from_mapping",
    "replay",
    "run_cases",
    "synthetic_graduation_columns",
    "verify",
]
