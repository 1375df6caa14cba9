"""Claims, outcomes and provenance -> :class:`Document`. Renderers typeset it and compute nothing."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ska_theory.claims.coverage import CoverageEntry
from ska_theory.claims.model import Claim, Outcome, Verdict
from ska_theory.claims.sources import TEXTS
from ska_theory.report.document import (
    Block,
    BulletList,
    Cells,
    Code,
    Details,
    Document,
    Equation,
    Figure,
    GroupRow,
    Inline,
    Inlines,
    Paragraph,
    Quote,
    Ref,
    Section,
    Strong,
    Subheading,
    Table,
    Text,
    VerdictTag,
    inlines,
)
from ska_theory.report.evidence import (
    common_settings,
    counterexample_text,
    derivation_blocks,
    fallback_numbers,
    full_evidence,
    key_numbers_table,
    robustness_text,
    settings_text,
    witness_table,
)
from ska_theory.report.graph import NARROW_GRAPH, claim_graph
from ska_theory.report.notation import display_math
from ska_theory.report.prose import Linker, bib_label, claim_label

TITLE = "Structured Knowledge Accumulation: claims, verdicts and evidence"

VERDICT_MEANING: dict[Verdict, str] = {
    Verdict.HOLDS: "proved from the definitions and confirmed by an independent numeric witness",
    Verdict.HOLDS_UNDER_CONDITIONS: "proved once conditions the papers leave implicit are added (listed)",
    Verdict.HOLDS_VACUOUSLY: "a true identity, but true for every path, so the interpretation the paper "
    "gives it does not follow",
    Verdict.FAILS: "contradicted: a counterexample is given",
    Verdict.SUPPORTED: "a numeric study agrees with the paper within the stated tolerance",
    Verdict.NOT_SUPPORTED: "a numeric study disagrees with the paper beyond the stated tolerance",
    Verdict.NOT_CHECKABLE: "cannot be checked: something the statement needs is undefined (named)",
    Verdict.UNDECIDED: "the toolkit could not decide: one of its own steps did not go through (named); "
    "this says nothing about the paper",
}

# Until a claim writes its own sentence: what each verdict means for the paper.
DEFAULT_MEANING: dict[Verdict, str] = {
    Verdict.HOLDS: "the statement follows from the paper's own definitions, as written.",
    Verdict.HOLDS_UNDER_CONDITIONS: "the statement is right once the conditions below are added; the "
    "paper leaves them implicit.",
    Verdict.HOLDS_VACUOUSLY: "the identity is true for every path, so it cannot single out the "
    "trajectory the paper says it describes.",
    Verdict.FAILS: "the statement, as written, is false: the counterexample below contradicts it.",
    Verdict.SUPPORTED: "the simulations reproduce what the paper reports, within the stated tolerance.",
    Verdict.NOT_SUPPORTED: "the simulations do not reproduce what the paper reports, beyond the stated "
    "tolerance.",
    Verdict.NOT_CHECKABLE: "the statement cannot be checked as written: something it needs is not defined.",
    Verdict.UNDECIDED: "nothing yet: the toolkit could not decide this claim.",
}

# Topics (the first part of a claim id) in reading order, with their titles.
TOPICS: dict[str, str] = {
    "entropy": "Entropy",
    "flow": "The SKA flow",
    "lagrangian": "The Lagrangian",
    "tensor-net": "The Tensor Net",
    "time": "Time",
    "knowledge-flow": "Knowledge flow",
    "learning": "Learning",
}

Result = tuple[Claim, Outcome]


def topic(claim_id: str) -> str:
    return claim_id.split(".", 1)[0]


def topic_title(key: str) -> str:
    return TOPICS.get(key, key.replace("-", " ").capitalize())


def grouped(results: Sequence[Result]) -> list[tuple[str, list[Result]]]:
    """Claims by topic: known topics in reading order, then others in order of appearance."""
    seen = list(dict.fromkeys(topic(c.id) for c, _ in results))
    keys = sorted(seen, key=lambda k: (list(TOPICS).index(k) if k in TOPICS else len(TOPICS), seen.index(k)))
    return [(k, [r for r in results if topic(r[0].id) == k]) for k in keys]


def source_inlines(c: Claim, linker: Linker) -> Inlines:
    """'SKA-2 eq. 31' with the paper's key linked to the bibliography (and any other key named)."""
    head: list[Inline] = [Ref(bib_label(c.source.paper), c.source.paper)] if c.source.paper in TEXTS else []
    head += [Text(" " if head else c.source.paper + " ")]
    return (*head, *linker.text(c.source.where))


# --- the parts of a claim's section --------------------------------------------------------------------


def statement_blocks(c: Claim, linker: Linker) -> list[Block]:
    if isinstance(c.statement, str):
        expr = display_math(c.statement)
        if expr is not None:
            return [Equation(expr, label=f"eq-{c.id}", written=True)]
        return [Paragraph(linker.prose(c.statement))]
    return [Equation(c.statement, label=f"eq-{c.id}")]


def step_text(step: str) -> str:
    """An undecided claim's step; a code location ``module.function:line`` in words."""
    m = re.fullmatch(r"(\w+)\.(\w+):(\d+)", step)
    if m is None:
        return step
    module, function, line = m.groups()
    return f"{function.replace('_', ' ').strip()} (in {module.replace('_', ' ').strip()}, line {line})"


def header_blocks(c: Claim, o: Outcome, linker: Linker) -> list[Block]:
    """Verdict, kind and source; the one-line summary; what the verdict means for the paper."""
    line: list[Inline] = [VerdictTag(str(o.verdict)), Text(f" {c.kind} claim · "), *source_inlines(c, linker)]
    if c.uses:
        line.append(Text(" · builds on "))
        for i, u in enumerate(c.uses):
            # a claim left out of this document (--only) is named, not linked
            line += [
                *([Text(", ")] if i else []),
                Ref(claim_label(u), u) if u in linker.claim_ids else Text(u),
            ]
    blocks: list[Block] = [Paragraph(tuple(line)), Paragraph(linker.prose(o.summary))]
    meaning = linker.prose(o.meaning) if o.meaning else inlines(DEFAULT_MEANING[o.verdict])
    blocks.append(Paragraph((Strong("What this means for the paper: "), *meaning)))
    if o.robustness is not None:
        blocks.append(Paragraph(robustness_text(o.robustness, str(o.verdict), linker), small=True))
    if o.step:
        blocks.append(
            Paragraph(inlines("The step that did not go through: ", step_text(o.step), "."), small=True)
        )
    if c.source.quote:
        blocks.append(Quote(linker.prose(c.source.quote), source_inlines(c, linker)))
    return blocks


def claim_blocks(c: Claim, o: Outcome, linker: Linker, index: int, witness_default: Any) -> list[Block]:
    """Everything one claim contributes, curated (the full evidence is in claims.json)."""
    ev = o.evidence
    blocks = header_blocks(c, o, linker)
    blocks += [Subheading("Statement"), *statement_blocks(c, linker)]
    if o.conditions:
        blocks += [Subheading("Conditions"), BulletList(tuple(linker.prose(x) for x in o.conditions))]
    if ev.steps:
        blocks += [Subheading("Derivation (sketch)"), *derivation_blocks(c.id, ev.steps, linker)]
    if ev.witnesses:
        blocks += [Subheading("Numeric witness"), witness_table(ev.witnesses, witness_default, linker)]
    if ev.counterexample is not None:
        blocks += [Subheading("Counterexample"), counterexample_text(ev.counterexample)]
    numbers = key_numbers_table(ev.key_numbers, linker) if ev.key_numbers else fallback_numbers(ev.figures)
    json_path = f"claims.json → claims[{index}].evidence.figures"
    if numbers is not None:
        # The table's caption says where all the other numbers are (the PDF has no collapsed table).
        where = inlines("All numbers: ", Code(json_path), ".")
        caption = (*numbers.caption, Text(" "), *where) if numbers.caption else where
        blocks += [Subheading("Key numbers"), dataclasses.replace(numbers, caption=caption)]
    for j, plot in enumerate(ev.plots, start=1):
        label = f"fig-{c.id}-{j}"
        narrow, outlines = getattr(plot.svg, "narrow", None), getattr(plot.svg, "outlines", None)
        blocks.append(Figure(str(plot.svg), linker.prose(plot.caption), label, narrow, outlines))
    if ev.figures:
        blocks.append(full_evidence(ev.figures, json_path, named=numbers is not None))
    return blocks


def claim_section(c: Claim, o: Outcome, linker: Linker, index: int, witness_default: Any) -> Section:
    title = f"{c.id} — {c.title}" if c.title else c.id
    return Section(
        title, claim_label(c.id), claim_blocks(c, o, linker, index, witness_default), back="summary"
    )


# --- front matter -------------------------------------------------------------------------------------


def tally(results: Sequence[Result]) -> Inlines:
    counts = Counter(str(o.verdict) for _, o in results)
    parts: list[Inline] = [Text(f"{len(results)} claims: ")]
    for v in Verdict:
        if counts[str(v)]:
            parts += [
                Text(", ") if len(parts) > 1 else Text(""),
                VerdictTag(str(v)),
                Text(f" {counts[str(v)]}"),
            ]
    parts.append(Text("."))
    return tuple(parts)


def overview_section(results: Sequence[Result], linker: Linker) -> Section:
    present = [str(v) for v in Verdict if any(o.verdict is v for _, o in results)]
    caption: list[Inline] = [
        Text(
            "How the claims build on each other: an arrow from one claim to another means the second "
            "claim's evidence uses the first's result; claims that use no other claim and that no claim "
            "uses sit in the grid. Each box links to its claim and is coloured by its verdict:"
        )
    ]
    for v in present:
        caption += [Text(" "), VerdictTag(v)]
    caption.append(Text("."))
    args = ([c.id for c, _ in results], [str(o.verdict) for _, o in results], [c.uses for c, _ in results])
    graph = claim_graph(*args, tuple(caption))
    narrow = claim_graph(*args, tuple(caption), width=NARROW_GRAPH)
    if narrow != graph:
        graph = dataclasses.replace(graph, narrow=narrow)
    return Section("Overview", "overview", [Paragraph(tally(results)), graph])


def how_to_read_section(results: Sequence[Result], mode: str) -> Section:
    legend = BulletList(tuple(inlines(VerdictTag(str(v)), f": {m}.") for v, m in VERDICT_MEANING.items()))
    default = common_settings([w for _, o in results for w in o.evidence.witnesses])
    other = "full" if mode == "quick" else "quick"
    blocks: list[Block] = [
        Paragraph(
            inlines(
                "Every checkable statement of the four texts in the ",
                Ref("bibliography", "bibliography"),
                " is a claim. Each claim gets a verdict, computed from the definitions on every run "
                "(never copied from a file), with the evidence it was decided on. The verdicts:",
            )
        ),
        legend,
        Paragraph(
            inlines(
                Strong("Quick and full mode. "),
                f"This report was made in {mode} mode. Symbolic claims are the same in both modes; "
                "numeric studies run shorter simulations on fewer settings in quick mode and the whole "
                "grids in full mode (",
                Code(f"ska-theory report --{other}"),
                " makes the other).",
            )
        ),
        Paragraph(
            inlines(
                Strong("Witnesses. "),
                "A symbolic proof is checked independently by a witness: both sides of the identity are "
                "evaluated with mpmath at random real points and compared. A witness that disagrees gives "
                "a counterexample; one that agrees only confirms the proof, it does not replace it."
                + (
                    f" Unless a claim says otherwise, each witness uses {settings_text(default)}."
                    if default
                    else ""
                ),
            )
        ),
        Paragraph(
            inlines(
                Strong("Numbering. "),
                "Equations numbered (R1), (R2), … are this report's own; the papers' equations are cited "
                "with the paper's key, as in “SKA-2 eq. 29”. Numbers are given to 6 significant digits; "
                "all of them are in claims.json.",
            )
        ),
    ]
    return Section("How to read this report", "how-to-read", blocks)


def summary_section(results: Sequence[Result], linker: Linker) -> Section:
    rows: list[Cells | GroupRow] = []
    for key, members in grouped(results):
        papers = [p for p in TEXTS if any(c.source.paper == p for c, _ in members)]
        rows.append(GroupRow(inlines(f"{topic_title(key)} · ", *_join_refs(papers))))
        for c, o in members:
            rows.append(
                (
                    inlines(Ref(claim_label(c.id), c.id)),
                    inlines(c.kind),
                    source_inlines(c, linker),
                    inlines(VerdictTag(str(o.verdict))),
                    linker.prose(o.summary),
                )
            )
    table = Table(
        ("claim", "kind", "source", "verdict", "reason"),
        tuple(rows),
        caption=inlines("Every claim by topic; the id links to the claim's section."),
        widths=(2.9, 1.2, 1.8, 2.7, 5.9),
        label="summary-table",
    )
    return Section("Summary", "summary", [table])


def _join_refs(keys: Sequence[str]) -> list[Inline]:
    out: list[Inline] = []
    for i, k in enumerate(keys):
        out += [*([Text(", ")] if i else []), Ref(bib_label(k), k)]
    return out


# --- back matter --------------------------------------------------------------------------------------


THEORY_NOTE = (
    "Each symbolic claim is derived again under other definitions of the theory: paper ($sigma$, entropy "
    "in bits, the paper's sign of $nabla_z_H$), code-sign ($nabla_z_H$ with the sign the authors' code "
    "computes), nats (entropy in nats) and tempered (the activation $D = sigma(2*z)$). A verdict that "
    "differs from the paper column shows which definition the claim depends on."
)


def matrix_section(matrix: Mapping[str, Any], linker: Linker) -> Section:
    names = [t["name"] for t in matrix.get("theories", [])]
    rows: list[Cells] = []
    for entry in matrix.get("claims", []):
        verdicts = entry.get("verdicts", {})
        cells = [inlines(VerdictTag(verdicts[n])) if n in verdicts else inlines("—") for n in names]
        depends = ", ".join(entry.get("depends_on", [])) or "—"
        rows.append((_claim_link(entry["id"], linker), *cells, inlines(depends)))
    table = Table(("claim", *names, "depends on"), tuple(rows))
    return Section("Theory matrix", "theory-matrix", [Paragraph(linker.prose(THEORY_NOTE)), table])


def _claim_link(cid: str, linker: Linker) -> Inlines:
    """A link to a claim of this report; only the id for one it does not hold (a partial run)."""
    return inlines(Ref(claim_label(cid), cid)) if cid in linker.claim_ids else inlines(cid)


def _coverage_table(entries: Sequence[CoverageEntry], linker: Linker, last: str) -> Table:
    """Entries as one table, a heading row per text and section (entries keep their order)."""
    rows: list[Cells | GroupRow] = []
    where = None
    for e in entries:
        if (e.text, e.section) != where:
            where = (e.text, e.section)
            rows.append(GroupRow(inlines(Ref(bib_label(e.text), e.text), f" · {e.section}")))
        verdict = _claim_link(e.claim, linker) if e.claim else inlines(e.not_a_claim or "")
        rows.append((linker.prose(e.quote), verdict))
    return Table(("sentence", last), tuple(rows), widths=(7, 3), dense=True)


def coverage_section(entries: Sequence[CoverageEntry], linker: Linker) -> Section:
    """Sentences with the claim deciding each; those that are no claim collapsed (HTML) or counted (PDF)."""
    decided = [e for e in entries if e.claim]
    rest = [e for e in entries if not e.claim]
    intro = Paragraph(
        inlines(
            f"The sentences of the four texts that a claim decides ({len(decided)}), each with its claim; "
            f"then the {len(rest)} that no claim decides, each with the reason."
        )
    )
    blocks: list[Block] = [intro, _coverage_table(decided, linker, "claim")]
    if rest:
        many = "sentences that are not claims" if len(rest) > 1 else "sentence that is not a claim"
        note = inlines(
            "The HTML report and ",
            Code("proofs/coverage.toml"),
            f" list the {len(rest)} {many} (rhetoric, definitions, analogies, future work), "
            "each with the reason.",
        )
        table = _coverage_table(rest, linker, "why it is not a claim")
        blocks.append(Details(f"Sentences that are not claims ({len(rest)})", (table,), pdf_note=note))
    return Section("Coverage of the texts", "coverage", blocks)


def bibliography_section() -> Section:
    items = []
    for t in TEXTS.values():
        where = f"arXiv:{t.arxiv}" if t.arxiv else f"{t.kind}"
        items.append(inlines(Strong(t.key), f" — {t.author}, “{t.title}”, {where}, {t.date}."))
    labels = tuple(bib_label(k) for k in TEXTS)
    return Section("Bibliography", "bibliography", [BulletList(tuple(items), labels=labels)])


def provenance_section(provenance: Mapping[str, Any], mode: str) -> Section:
    rows: list[Cells] = [
        (inlines("ska-theory"), inlines(str(provenance.get("version", "?")))),
        (inlines("inputs (sha256)"), inlines(Code(str(provenance.get("inputs", "unknown"))))),
        (inlines("mode"), inlines(mode)),
        (inlines("Python"), inlines(str(provenance.get("python", "?")))),
    ]
    rows += [(inlines(name), inlines(str(v))) for name, v in sorted(provenance.get("packages", {}).items())]
    note = Paragraph(
        inlines(
            "The inputs digest covers every file that determines this report: the package, the claims' "
            "modules (proofs and sims), their data files, and the versions above. Regenerating from the "
            "same inputs gives byte-identical files; every verdict was recomputed by ",
            Code("ska-theory report"),
            " and is in ",
            Code("claims.json"),
            " with all its numbers.",
        ),
        small=True,
    )
    return Section("Provenance", "provenance", [Table(("item", "value"), tuple(rows), widths=(2, 5)), note])


def build_document(
    results: Sequence[Result],
    provenance: Mapping[str, Any],
    mode: str,
    *,
    matrix: Mapping[str, Any] | None = None,
    coverage: Sequence[CoverageEntry] = (),
) -> Document:
    """The report of ``results`` with its provenance; ``matrix`` is the theory matrix, if any."""
    linker = Linker([c.id for c, _ in results])
    index = {c.id: i for i, (c, _) in enumerate(results)}
    default = common_settings([w for _, o in results for w in o.evidence.witnesses])
    sections = [
        overview_section(results, linker),
        how_to_read_section(results, mode),
        summary_section(results, linker),
    ]
    for key, members in grouped(results):
        subs = [claim_section(c, o, linker, index[c.id], default) for c, o in members]
        sections.append(Section(topic_title(key), f"topic-{key}", [], subs))
    if matrix:
        sections.append(matrix_section(matrix, linker))
    if coverage:
        sections.append(coverage_section(coverage, linker))
    sections += [bibliography_section(), provenance_section(provenance, mode)]
    digest = str(provenance.get("inputs", "unknown"))[:12]
    subtitle = f"ska-theory {provenance.get('version', '?')} · {mode} mode · inputs {digest}"
    return Document(TITLE, subtitle, sections)
