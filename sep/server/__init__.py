"""An HTTP service for integrators: ``sep``'s questions over JSON, for services in any language.

Integrators call eligibility (3.1, 4.2.1), graduation (4.3.5) and evaluation (4.3.7-b)
checks from their own services, screen applicants (4.3.3), fire lifecycle triggers on an
incubatee's file (4.3.2, 4.3.6 graduation procedure), audit a platform clause by clause
(4.1–4.3.7) and read the parameters every decision used. :func:`create_app` returns the
ASGI application (FastAPI, on Starlette); ``sep serve --host 127.0.0.1 --port 8000`` runs
it with uvicorn. Install with the ``server`` extra: ``pip install "sep[server]"``.

Request bodies are read by ``sep`` itself: bounded raw JSON (:func:`sep._json.loads`),
then the same ``check_*``/``from_dict`` calls as the library, so the service answers
exactly what the library answers. Every refusal is an RFC 9457 problem document
(``application/problem+json``) carrying the field path, the bad value and the clause.
Each request's work runs in one of a bounded number of worker threads; past the time
limit the answer is 503 and the work is stopped, so the worker is free again.

Endpoints (all under ``/v1``; the OpenAPI document is at ``/v1/openapi.json``, built from
``sep``'s JSON Schemas, with interactive documentation at ``/docs`` whose Swagger UI
files are served by the service itself, so it works offline):

* ``GET /v1/health``: liveness, version, shipped packs;
* ``GET /v1/packs``: the shipped rule packs;
* ``GET /v1/parameters?pack=…&on=…``: parameters with every dated value and source;
* ``GET /v1/schemas`` and ``/v1/schemas/{name}``: JSON Schemas of documents, pack inputs,
  and of what ``sep`` writes (decision records, batch summaries, audit reports, incubatee
  files with their history);
* ``POST /v1/check/{question}``: one decision (``facts`` or ``document``);
* ``POST /v1/check/{question}/batch``: many rows at once, outcomes and counts;
* ``POST /v1/why-not/{question}``: the smallest changes that would make it met;
* ``POST /v1/decisions/replay`` and ``/verify``: re-evaluate a decision record, check it;
* ``POST /v1/audit``: JSON, Markdown or HTML (``format`` or Accept); with the platform's
  evaluation ``history`` (cycles and improvement plans), 4.3.7-b and 4.3.7-c are decided;
* ``POST /v1/screen``: screen a cohort (4.3.3), a decision record per applicant;
* ``GET /v1/lifecycle``: states and triggers of the process;
* ``POST /v1/lifecycle/state`` and ``/fire``: read or advance an incubatee document.

Example:
    >>> from sep.server import create_app
    >>> app = create_app(time_limit=5.0)
    >>> sorted(p for p in app.openapi()["paths"] if "lifecycle" in p)
    ['/v1/lifecycle', '/v1/lifecycle/fire', '/v1/lifecycle/state']
"""

from __future__ import annotations

from sep.server._app import (
    DEFAULT_TIME_LIMIT,
    DEFAULT_WORKERS,
    MAX_BATCH_ROWS,
    create_app,
    document_version,
    serve,
)

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_WORKERS",
    "MAX_BATCH_ROWS",
    "create_app",
    "document_version",
    "serve",
]
