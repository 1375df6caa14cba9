"""Claims, outcomes and provenance -> :class:`Document`. Renderers typeset it and compute nothing."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ska_theory.claims.model import Claim, Outcome, Verdict, Witness
from ska_theory.report.document import (
    Block,
    BulletList,
    Code,
    Document,
    Equation,
    Figure,
    Paragraph,
    Quote,
    Ref,
    Section,
    Subheading,
    Table,
    VerdictTag,
    inlines,
)

TITLE = "Structured Knowledge Accumulation: claims, verdicts and evidence"

VERDICT_MEANING: dict[Verdict, str] = {
    Verdict.HOLDS: "proved symbolically and confirmed by the numeric witness",
    Verdict.HOLDS_UNDER_CONDITIONS: "proved under the listed conditions, which the papers leave implicit",
    Verdict.HOLDS_VACUOUSLY: "an identity true for every path; its stated interpretation does not follow",
    Verdict.FAILS: "contradicted: a counterexample is given",
    Verdict.SUPPORTED: "the numeric study agrees within the stated tolerance",
    Verdict.NOT_SUPPORTED: "the numeric study disagrees beyond the stated tolerance",
}

# Keys of evidence figures that describe how a run was made, repeated in the provenance section.
_SETTING_KEYS = ("seed", "solver", "rtol", "atol", "method")
# Longer lists are shortened in the documents; claims.json keeps every value.
_MAX_LIST = 12


def claim_label(claim_id: str) -> str:
    return f"claim-{claim_id}"


def fmt_number(x: Any) -> str:
    """Deterministic short text of a number from the evidence (6 significant digits)."""
    if isinstance(x, np.generic):
        x = x.item()
    if x is None:
        return "null"  # as in claims.json
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "∞" if x > 0 else "-∞"
        return format(x, ".6g")
    return str(x)


def fmt_residual(x: float) -> str:
    return "0" if x == 0 else format(x, ".2e")


def _fmt_list(values: Sequence[Any]) -> str:
    items = [fmt_number(v) for v in values]
    if len(items) <= _MAX_LIST:
        return "[" + ", ".join(items) + "]"
    head, tail = items[: _MAX_LIST - 3], items[-3:]
    return "[" + ", ".join(head) + ", …, " + ", ".join(tail) + f"] ({len(items)} values)"


def flatten(data: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted key, value text) for nested dicts/lists of numbers, in sorted key order."""
    if isinstance(data, Mapping):
        for k in sorted(data, key=str):
            yield from flatten(data[k], f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(data, list | tuple | np.ndarray):
        values = list(data.tolist() if isinstance(data, np.ndarray) else data)
        if all(not isinstance(v, Mapping | list | tuple) for v in values):
            yield prefix, _fmt_list(values)
        else:
            for i, v in enumerate(values):
                yield from flatten(v, f"{prefix}[{i}]")
    else:
        yield prefix, fmt_number(data)


def _key_value_table(
    pairs: Sequence[tuple[str, str]], caption: str = "", header: tuple[str, str] = ("quantity", "value")
) -> Table:
    rows = tuple((inlines(Code(k)), inlines(Code(v))) for k, v in pairs)
    return Table(header, rows, caption=caption, widths=(2, 3))


def _domain_text(domain: Mapping[str, tuple[float, float]]) -> str:
    return ", ".join(f"{k} ∈ [{fmt_number(lo)}, {fmt_number(hi)}]" for k, (lo, hi) in sorted(domain.items()))


def _point_text(point: Mapping[str, float]) -> str:
    return ", ".join(f"{k} = {fmt_number(v)}" for k, v in sorted(point.items())) or "-"


def witness_table(witnesses: Sequence[Witness]) -> Table:
    rows = tuple(
        (
            inlines(w.description),
            inlines(Code(f"{w.digits} digits, {w.n_points} points, seed {w.seed}")),
            inlines(_domain_text(w.domain)),
            inlines(Code(f"{fmt_residual(w.max_rel_residual)} (abs {fmt_residual(w.max_abs_residual)})")),
            inlines(Code(fmt_residual(w.tolerance)), " ", "agrees" if w.agrees else "DISAGREES"),
            inlines(_point_text(w.worst_point)),
        )
        for w in witnesses
    )
    return Table(
        ("identity", "precision", "domain", "max. rel. residual", "tolerance", "worst point"),
        rows,
        caption="mpmath witness: both sides evaluated at seeded random real points",
        widths=(3, 2, 2, 2, 1.6, 1.8),
    )


def claim_blocks(c: Claim, o: Outcome) -> list[Block]:
    """Everything one claim contributes: verdict, source, statement, derivation, witness, numbers."""
    ev = o.evidence
    blocks: list[Block] = [
        Paragraph(inlines("Verdict: ", VerdictTag(str(o.verdict)), f" — {o.summary}")),
    ]
    where = f"{c.source} ({c.kind} claim)"
    if c.source.quote:
        blocks.append(Quote(c.source.quote, where))
    else:
        blocks.append(Paragraph(inlines(f"Source: {where}."), small=True))
    blocks.append(Subheading("Statement"))
    if isinstance(c.statement, str):
        blocks.append(Paragraph(inlines(c.statement)))
    else:
        blocks.append(Equation(c.statement, label=f"eq-{c.id}"))
    if o.conditions:
        blocks.append(Subheading("Conditions"))
        blocks.append(BulletList(tuple(inlines(cond) for cond in o.conditions)))
    if ev.steps:
        blocks.append(Subheading("Derivation"))
        for i, step in enumerate(ev.steps, start=1):
            blocks.append(Equation(step.expr, label=f"eq-{c.id}-{i}", note=step.justification))
    if ev.witnesses:
        blocks.append(Subheading("Numeric witness"))
        blocks.append(witness_table(ev.witnesses))
    if ev.counterexample is not None:
        blocks.append(Subheading("Counterexample"))
        blocks.append(_key_value_table(list(flatten(ev.counterexample))))
    for j, plot in enumerate(ev.plots, start=1):
        blocks.append(Figure(plot.svg, plot.caption, label=f"fig-{c.id}-{j}"))
    if ev.figures:
        blocks.append(Subheading("Numbers the verdict was decided on"))
        blocks.append(_key_value_table(list(flatten(ev.figures))))
    return blocks


def summary_section(results: Sequence[tuple[Claim, Outcome]]) -> Section:
    counts = Counter(str(o.verdict) for _, o in results)
    tally: list[str | VerdictTag] = []
    for v in Verdict:
        if counts[str(v)]:
            tally += [", " if tally else "", VerdictTag(str(v)), f" {counts[str(v)]}"]
    rows = tuple(
        (
            inlines(Ref(claim_label(c.id), c.id)),
            inlines(str(c.source)),
            inlines(VerdictTag(str(o.verdict))),
            inlines(o.summary),
        )
        for c, o in results
    )
    legend = BulletList(
        tuple(inlines(VerdictTag(str(v)), f": {meaning}.") for v, meaning in VERDICT_MEANING.items())
    )
    return Section(
        "Summary",
        "summary",
        [
            Paragraph(inlines(f"{len(results)} claims: ", *tally, ".")),
            Table(
                ("claim", "source", "verdict", "reason"),
                rows,
                caption="Every claim, its verdict and one-line reason; the id links to the claim's section.",
                widths=(3.2, 1.5, 1.9, 5.6),
            ),
            Subheading("Verdicts"),
            legend,
        ],
    )


def _settings(results: Sequence[tuple[Claim, Outcome]]) -> list[tuple[str, str, str]]:
    out = []
    for c, o in results:
        for w in o.evidence.witnesses:
            out.append((c.id, "witness seed", str(w.seed)))
        for key, value in flatten(o.evidence.figures):
            if any(k in key.lower() for k in _SETTING_KEYS):
                out.append((c.id, key, value))
    return out


def provenance_section(
    provenance: Mapping[str, Any], mode: str, results: Sequence[tuple[Claim, Outcome]]
) -> Section:
    git = provenance.get("git", {})
    pairs = [
        ("ska-theory", str(provenance.get("version", "?"))),
        ("git commit", str(git.get("commit") or "unknown")),
        ("uncommitted changes", {True: "yes (dirty)", False: "no", None: "unknown"}[git.get("dirty")]),
        ("mode", mode),
        ("Python", str(provenance.get("python", "?"))),
    ]
    pairs += [(name, str(v)) for name, v in sorted(provenance.get("packages", {}).items())]
    blocks: list[Block] = [
        _key_value_table(
            pairs, caption="Versions of everything that computed the verdicts.", header=("item", "value")
        ),
        Paragraph(
            inlines(
                "Every verdict above was recomputed from scratch by ",
                Code("ska-theory report"),
                "; the same verdicts and all their numbers are in ",
                Code("claims.json"),
                ". Run times differ between runs and are kept out of this document; they are in ",
                Code("timings.json"),
                ".",
            ),
            small=True,
        ),
    ]
    settings = _settings(results)
    if settings:
        blocks.append(Subheading("Seeds and solver settings"))
        rows = tuple(
            (inlines(Ref(claim_label(c), c)), inlines(Code(k)), inlines(Code(v))) for c, k, v in settings
        )
        blocks.append(Table(("claim", "setting", "value"), rows, widths=(3, 2, 3)))
    return Section("Provenance", "provenance", blocks)


def _claim_section(c: Claim, o: Outcome) -> Section:
    title = f"{c.id}: {c.title}" if c.title else c.id
    return Section(title, claim_label(c.id), claim_blocks(c, o))


def build_document(
    results: Sequence[tuple[Claim, Outcome]], provenance: Mapping[str, Any], mode: str
) -> Document:
    """The report of ``results`` (in the given order) with its provenance."""
    git = provenance.get("git", {})
    commit = str(git.get("commit") or "unknown")[:12] + (" (dirty)" if git.get("dirty") else "")
    subtitle = f"ska-theory {provenance.get('version', '?')} · {mode} mode · commit {commit}"
    symbolic = [_claim_section(c, o) for c, o in results if c.kind == "symbolic"]
    numeric = [_claim_section(c, o) for c, o in results if c.kind == "numeric"]
    sections = [summary_section(results)]
    if symbolic:
        intro = Paragraph(
            inlines(
                "Each identity is proved by named, targeted rewrites that reduce the difference of its "
                "two sides to 0, and witnessed independently with mpmath at seeded random real points. "
                "A failed simplification is never taken as a disproof."
            )
        )
        sections.append(Section("Symbolic claims", "symbolic", [intro], symbolic))
    if numeric:
        intro = Paragraph(
            inlines(
                "Numeric studies: the figures and the numbers each verdict was decided on, with tolerances."
            )
        )
        sections.append(Section("Numeric claims", "numeric", [intro], numeric))
    sections.append(provenance_section(provenance, mode, results))
    return Document(TITLE, subtitle, sections)
