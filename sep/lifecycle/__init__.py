"""The incubation lifecycle: process (4.3.2), screening (4.3.3), graduation procedure (4.3.6).

A :class:`ProcessDefinition` (states and triggers as checked data, each citing its clause
and source) runs on one ``transitions`` machine inside an :class:`IncubationProcess`, which
drives any number of :class:`IncubationFile` objects — one per incubatee — with an
append-only audit trail saved in the incubatee's JSON. Screening scores are normalised
across reviewers and decided by a rule pack like every other decision.

Example:
    >>> from sep.domain import Incubatee, Origin
    >>> from sep.lifecycle import IncubationProcess
    >>> f = IncubationProcess().open(Incubatee(id="h-1", name="Leishen", origin=Origin.INTERNAL))
    >>> f.triggers()
    ('start_screening', 'withdraw')
"""

from __future__ import annotations

from sep._written import incubatee_file_schema
from sep.lifecycle._definition import (
    EFFECTS,
    GUARDS,
    ProcessDefinition,
    StateSpec,
    TransitionSpec,
    definition_from_mapping,
    standard_definition,
)
from sep.lifecycle._process import IncubationFile, IncubationProcess, Listener
from sep.lifecycle._screening import (
    SCREENING,
    NormalisedScore,
    Rubric,
    RubricItem,
    Score,
    Screening,
    screen,
    screening_pack,
)

__all__ = [
    "EFFECTS",
    "GUARDS",
    "SCREENING",
    "IncubationFile",
    "IncubationProcess",
    "Listener",
    "NormalisedScore",
    "ProcessDefinition",
    "Rubric",
    "RubricItem",
    "Score",
    "Screening",
    "StateSpec",
    "TransitionSpec",
    "definition_from_mapping",
    "incubatee_file_schema",
    "screen",
    "screening_pack",
    "standard_definition",
]
