"""The decision digest: sha256 over the RFC 8785 (JCS) canonical JSON of one documented object.

Any language with a JCS library and sha256 recomputes it from a decision record alone::

    {"as_of": "YYYY-MM-DD",
     "inputs": {name: value, ...},                       # the record's "inputs"
     "pack": {"id": <pack id>, "sha256": <pack_sha256>},  # the record's "pack", "pack_sha256"
     "parameters": [[name, since, value], ...]}           # sorted by name, all three text

digest = ``"jcs-sha256:" + hex(sha256(JCS(object)))``. ``pack_sha256`` is the sha256 hex of
the JCS of the parsed pack file (dates as ``YYYY-MM-DD`` text, non-integer numbers as text).
Amounts and parameter values are decimal *text*, never JSON numbers: JCS numbers are IEEE
doubles, which would round money. Integers beyond ±(2**53 - 1), which JCS cannot write exactly,
are written as decimal text too.

Digests of the earlier scheme (64 hex digits, no tag: sha256 over Python ``json.dumps``
pieces) are told apart by the missing tag and still verify: :func:`digest_matches` recomputes
them the old way.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import rfc8785

if TYPE_CHECKING:
    from sep.evaluation._decision import Decision

#: The tag in front of every digest of this scheme.
SCHEME = "jcs-sha256"
_EXACT = 2**53 - 1
_LEGACY = re.compile(r"[0-9a-f]{64}")


def canonical(value: Any) -> Any:
    """``value`` with integers JCS cannot write exactly turned to decimal text."""
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _EXACT:
        return str(value)
    return value


def jcs(value: Any) -> bytes:
    """The RFC 8785 canonical JSON of ``value`` (UTF-8 bytes)."""
    return rfc8785.dumps(canonical(value))


def pack_sha256(definition: Mapping[str, Any]) -> str:
    """sha256 hex of the JCS of a parsed pack definition."""
    return hashlib.sha256(jcs(definition)).hexdigest()


def digest_parts(
    pack_id: str, pack_hash: str, as_of: str, parameters: Sequence[tuple[str, str, str]]
) -> tuple[bytes, bytes]:
    """The canonical bytes before and after the inputs, fixed per evaluator.

    JCS writes an object's members sorted by key; ``inputs`` sorts second of four, so the
    whole object is exactly ``head + JCS(inputs) + tail`` and only the inputs are written
    per decision.
    """
    head = b'{"as_of":' + jcs(as_of) + b',"inputs":'
    pack = {"id": pack_id, "sha256": pack_hash}
    params = [list(p) for p in sorted(parameters)]
    tail = b',"pack":' + jcs(pack) + b',"parameters":' + jcs(params) + b"}"
    return head, tail


def tagged(head: bytes, inputs: Mapping[str, Any], tail: bytes) -> str:
    """``jcs-sha256:<hex>`` over ``head + JCS(inputs) + tail``."""
    return f"{SCHEME}:{hashlib.sha256(head + jcs(inputs) + tail).hexdigest()}"


def legacy_digest(
    definition: Mapping[str, Any],
    as_of: str,
    parameters: Sequence[tuple[str, str]],
    inputs: Mapping[str, Any],
) -> str:
    """The digest of the earlier scheme (kept so older records still verify)."""
    text = json.dumps(definition, sort_keys=True, ensure_ascii=False, default=str)
    pack = hashlib.sha256(text.encode()).hexdigest()
    head = json.dumps([pack, as_of, [list(p) for p in parameters]])
    body = json.dumps(inputs, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((head + body).encode()).hexdigest()


def digest_matches(decision: Decision, recorded: object) -> bool:
    """Whether a replayed ``decision`` has the ``recorded`` digest, of either scheme."""
    if not isinstance(recorded, str):
        return False
    if recorded.startswith(f"{SCHEME}:"):
        return recorded == decision.digest
    if _LEGACY.fullmatch(recorded) is None:
        return False
    return recorded == decision._legacy_digest()


def short(digest: str) -> str:
    """The first 12 hex digits of a digest of either scheme, for people."""
    return digest.rpartition(":")[2][:12]
