"""Pages of the sep documentation generated from sep itself at build time.

Two directives, each reading sep only through its public API, so the pages cannot drift
from the code:

``.. sep-parameters::``
    The parameter reference: for every shipped rule pack (:func:`sep.evaluation.builtin_packs`),
    each parameter with its type, unit, labels, the criteria that read it, and every dated
    value with its source.

``.. sep-lifecycle-diagram::``
    The incubation process of :func:`sep.lifecycle.standard_definition` drawn by Graphviz
    (``ProcessDefinition.to_dot()``, rendered by ``sphinx.ext.graphviz`` into SVG).
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import re
import sys
import typing
from collections.abc import Iterator
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import PycodeError
from sphinx.ext.graphviz import graphviz
from sphinx.ext.intersphinx import missing_reference as intersphinx_missing_reference
from sphinx.pycode import ModuleAnalyzer
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

from sep.evaluation import All, AnyOf, Condition, Leaf, Not, RulePack, builtin_pack, builtin_packs


def _params_of(condition: Condition | None) -> Iterator[str]:
    """The parameter names a condition reads (thresholds and window lengths)."""
    if isinstance(condition, Leaf):
        if condition.param is not None:
            yield condition.param
        if isinstance(condition.periods, str):
            yield condition.periods
    elif isinstance(condition, All | AnyOf):
        for item in condition.items:
            yield from _params_of(item)
    elif isinstance(condition, Not):
        yield from _params_of(condition.item)


def _users(pack: RulePack) -> dict[str, list[str]]:
    """Parameter name -> the ids of the criteria whose conditions read it, in file order."""
    found: dict[str, list[str]] = {}
    for top in pack.criteria:
        for criterion in top.walk():
            for name in _params_of(criterion.condition):
                if criterion.id not in found.setdefault(name, []):
                    found[name].append(criterion.id)
    return found


def _para(*parts: nodes.Node | str) -> nodes.paragraph:
    para = nodes.paragraph()
    for part in parts:
        para += nodes.Text(part) if isinstance(part, str) else part
    return para


def _literal(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def _table(header: list[str], rows: list[list[str]], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["sep-parameter-values"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for cell in header:
        row += nodes.entry("", nodes.paragraph(text=cell))
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            row += nodes.entry("", nodes.paragraph(text=cell))
        body += row
    return table


class ParametersDirective(SphinxDirective):
    """``.. sep-parameters::`` — the parameters of every shipped pack, from the packs."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        _generated(self.env)
        out: list[nodes.Node] = []
        # The standard's own packs first, then packs of other documents.
        for pack_id in sorted(builtin_packs(), key=lambda i: (not i.startswith("t-cate-"), i)):
            pack = builtin_pack(pack_id)
            section = nodes.section(ids=[nodes.make_id(f"pack-{pack_id}")])
            section += nodes.title(text=f"{pack.en} ({pack_id})")
            section += _para(
                f"{pack.zh}. Pack version {pack.version}; answers clause {pack.clause} of ",
                f"{pack.document} ({pack.edition}).",
            )
            users = _users(pack)
            for name, spec in pack.parameters.items():
                sub = nodes.section(ids=[nodes.make_id(f"param-{pack_id}-{name}")])
                sub += nodes.title("", "", _literal(name))
                sub += _para(
                    f"{spec.en} ({spec.zh}); type ",
                    _literal(spec.type),
                    f", unit {spec.unit}"
                    + (f"; read by criteria {', '.join(users[name])}." if users.get(name) else "."),
                )
                if spec.doc:
                    sub += _para(spec.doc)
                rows = [
                    [v.since.isoformat(), f"{v.value:,} {spec.unit}", v.source] for v in spec.values
                ]
                sub += _table(["in force from", "value", "source"], rows, [14, 14, 72])
                section += sub
            out.append(section)
        return out


class LifecycleDiagramDirective(SphinxDirective):
    """``.. sep-lifecycle-diagram::`` — the standard process, drawn by Graphviz as SVG."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from sep.lifecycle import standard_definition

        _generated(self.env)
        node = graphviz()
        # Top to bottom: the process is long, and a page is taller than it is wide.
        node["code"] = standard_definition().to_dot().replace("rankdir=LR;", "rankdir=TB;", 1)
        node["options"] = {"docname": self.env.docname}
        node["alt"] = "The incubation process of T/CATE 0001—2020 4.3.2 and 4.3.6"
        node["classes"] = ["sep-lifecycle"]
        return [node]


#: The modules whose ``__all__`` is sep's public API, where a re-exported name is documented.
PUBLIC = (
    "sep.errors",
    "sep.domain",
    "sep.examples",
    "sep.evaluation",
    "sep.lifecycle",
    "sep.assessment",
    "sep.portfolio",
    "sep.server",
)
#: Module aliases the sources use in annotations (``import datetime as dt``).
ALIASES = {"dt.": "datetime.", "np.": "numpy.", "pd.": "pandas.", "Decimal": "decimal.Decimal"}


def _public_home(name: str) -> str | None:
    """Where a name of the ``sep`` top level, or an unqualified public name, is documented."""
    first = name.partition(".")[0]
    for module_name in PUBLIC:
        module = importlib.import_module(module_name)
        if first in getattr(module, "__all__", ()):
            return f"{module_name}.{name}"
    return None


def _candidates(target: str) -> Iterator[str]:
    """Other names ``target`` may be documented under, most likely first."""
    for alias, full in ALIASES.items():
        if alias.endswith(".") and target.startswith(alias):
            yield full + target[len(alias) :]
        elif target == alias:
            yield full
    name = target.removeprefix("sep.")
    # "sep.audit" or "audit", not "sep.domain.Money" (already the documented name).
    if name.partition(".")[0] not in {m.split(".")[1] for m in PUBLIC}:
        home = _public_home(name)
        if home:
            yield home


def _is_typevar(target: str) -> bool:
    module_name, _, attr = target.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError):
        return False
    return isinstance(obj, typing.TypeVar)


def resolve_public(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    """Resolve a Python reference that names sep's API the way users import it.

    ``sep.audit`` is documented as ``sep.assessment.audit`` (the top level re-exports it),
    annotations say ``dt.date`` for ``datetime.date``, and a docstring shown under the
    ``sep`` top level says ``check`` for ``sep.evaluation.check``: each is looked up under
    its documented name. A type variable (``T`` of a generic function) has no page and is
    shown as code. Anything else stays unresolved, so ``-n`` reports it.
    """
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"]
    domain = env.domains["py"]
    for candidate in _candidates(target):
        new = node.deepcopy()
        new["reftarget"] = candidate
        found = domain.resolve_xref(
            env, node.get("refdoc", ""), app.builder, node["reftype"], candidate, new, contnode
        )
        if found is None:
            found = intersphinx_missing_reference(app, env, new, contnode)
        if found is not None:
            return found
    if node["reftype"] == "class" and (_is_typevar(target) or target in PRIVATE_TYPES):
        return contnode
    return None


#: What a napoleon attribute docstring's first line "X: text" means by X: a type only if X
#: reads like one (``int``, ``str | None``, ``tuple[str, ...]``), not prose or a clause id.
_TYPE_LIKE = re.compile(
    r"[A-Za-z_][\w.]*(\[[\w., |\[\]]*\])?(\s*\|\s*[A-Za-z_][\w.]*(\[[\w., |\[\]]*\])?)*"
)


def keep_prose_first_lines(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Give back a property's first words that napoleon took for its type.

    Napoleon reads "X: text" on the first line of an attribute, property or enum member
    docstring as "type: description", so "4.3.5(b): listed" would become a link to a class
    named ``4.3.5(b)``. sep writes clause ids and prose there: unless X reads like a type,
    the ``:type:`` line napoleon made is removed and X put back in front of the text.
    """
    if what not in {"attribute", "property", "data"}:
        return
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].startswith(":type: "):
            head = lines[i].removeprefix(":type: ").strip()
            if head.isascii() and _TYPE_LIKE.fullmatch(head):
                return
            del lines[i]
            first = next((j for j, line in enumerate(lines) if line.strip()), None)
            if first is not None:
                lines[first] = f"{head}: {lines[first].lstrip()}"
            return


def _attribute_comment(module_name: str, name: str) -> list[str]:
    """The ``#:`` comment above ``name`` in the private module of a public package."""
    package = importlib.import_module(module_name)
    value = getattr(package, name, None)
    prefix = module_name + "._"
    for other_name, other in list(sys.modules.items()):
        if other is None or not other_name.startswith(prefix):
            continue
        if getattr(other, name, _MISSING) is not value:
            continue
        try:
            docs = ModuleAnalyzer.for_module(other_name).find_attr_docs()
        except PycodeError:
            continue
        if ("", name) in docs:
            return list(docs[("", name)])
    return []


_MISSING = object()


def fill_data_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Give a re-exported constant the ``#:`` comment written where it is defined."""
    if what != "data":
        return
    module_name, _, attr = name.rpartition(".")
    if module_name in PUBLIC:
        comment = _attribute_comment(module_name, attr)
        if comment:  # not the docstring of the value's class (``dict``, ``frozenset``)
            lines[:] = comment


class ReexportedDataDirective(SphinxDirective):
    """``.. sep-reexported-data:: sep.domain`` — the constants and type aliases it re-exports.

    autodoc documents a module's constant only when its ``#:`` comment is in that module;
    sep writes it where the constant is defined (``sep.domain._size.NBS_2017``), so without
    this every constant a package re-exports would be missing and every link to it dead.
    The text is the defining module's comment (:func:`fill_data_docstring`).
    """

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        module_name = self.arguments[0]
        module = importlib.import_module(module_name)
        own = ModuleAnalyzer.for_module(module_name).find_attr_docs()
        lines: list[str] = []
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) or inspect.isroutine(obj) or ("", name) in own:
                continue
            if not _attribute_comment(module_name, name):
                continue
            lines += [f".. autodata:: {module_name}.{name}", "   :no-value:", ""]
        container = nodes.section()
        container.document = self.state.document
        source = self.get_source_info()[0]
        nested_parse_with_titles(self.state, StringList(lines, source=source), container)
        return list(container.children)


#: sep's own types that appear in public signatures but are private, shown as code (no
#: page to link to). Each is an API question for a later release, not a documentation one.
PRIVATE_TYPES = {
    # SizeClassification.row: the row of the NBS 2017 table that decided the class.
    "sep.domain._size.SizeRow",
    # IndustryCode.section_info(): GB/T 4754-2017 section of an industry code.
    "sep.domain._industry.IndustrySection",
    "IndustrySection",
    # BatchResult's constructor: the column-wise engine's encoded inputs.
    "Encoded",
    # RulePack's constructor: the compiled evaluator a pack caches.
    "_PackRuntime",
}


class UnspecificBuiltins(SphinxPostTransform):
    """Let ``type`` in an annotation mean the builtin, not any attribute named ``type``.

    Sphinx resolves a name from an annotation by suffix ("refspecific"), so ``type[T]`` would
    be ambiguous between ``InputSpec.type`` and ``ParameterSpec.type``; builtins are looked
    up exactly, and then found in Python's inventory.
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        for node in self.document.findall(pending_xref):
            if node.get("refdomain") == "py" and node["reftarget"] in _BUILTINS:
                node.attributes.pop("refspecific", None)


_BUILTINS = frozenset(name for name in dir(builtins) if isinstance(getattr(builtins, name), type))


def _generated(env: BuildEnvironment) -> None:
    """Note that the current page is generated from sep, so it is read again every build."""
    pages: set[str] = env.__dict__.setdefault("sep_generated_pages", set())
    pages.add(env.docname)


def read_generated_pages_again(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """The pages drawn from sep's code change when the code does, not only when they do."""
    pages: set[str] = env.__dict__.get("sep_generated_pages", set())
    return sorted(pages - removed)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("sep-parameters", ParametersDirective)
    app.add_directive("sep-lifecycle-diagram", LifecycleDiagramDirective)
    app.connect("missing-reference", resolve_public)
    # After napoleon (priority 500) has turned the docstring into fields.
    app.connect("autodoc-process-docstring", keep_prose_first_lines, priority=600)
    app.connect("autodoc-process-docstring", fill_data_docstring, priority=400)
    app.add_directive("sep-reexported-data", ReexportedDataDirective)
    app.add_post_transform(UnspecificBuiltins)
    app.connect("env-get-outdated", read_generated_pages_again)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
