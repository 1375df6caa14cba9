"""A claim's evidence as a reader needs it: the deciding numbers, a proof sketch, the witnesses.

The full evidence (every number, every SymPy step, tool names) stays in ``claims.json``; here it is
curated: key numbers with labels and units, derivations without steps that change nothing or that
only check a difference is zero, witness settings stated once per report.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp
from sympy.printing.pretty.pretty_symbology import greek_unicode

from ska_theory.claims.model import KeyNumber, Robustness, Step, Witness
from ska_theory.report.document import (
    Block,
    Cells,
    Code,
    Details,
    Equation,
    Inline,
    Inlines,
    Math,
    Paragraph,
    Table,
    Text,
    inlines,
)
from ska_theory.report.mathbox import to_boxes
from ska_theory.report.numbers import fmt_number, fmt_residual
from ska_theory.report.prose import Linker

# Keys of evidence figures that are run settings, not results (left out of the fallback selection).
_SETTING_KEYS = ("seed", "solver", "rtol", "atol", "method", "horizon", "sizes", "samples")
FALLBACK_ROWS = 6  # numbers shown for a claim that names no key numbers
_MAX_LIST = 8  # list items shown in the collapsed full evidence

Settings = tuple[int, int, int, float]  # witness digits, points, seed, tolerance


# --- numbers ----------------------------------------------------------------------------------------


def flatten(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key, leaf) for nested dicts/lists, in the given key order; lists of scalars are leaves."""
    if isinstance(data, Mapping):
        for k in data:
            yield from flatten(data[k], f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(data, list | tuple | np.ndarray):
        values = list(data.tolist() if isinstance(data, np.ndarray) else data)
        if all(not isinstance(v, Mapping | list | tuple) for v in values):
            yield prefix, values
        else:
            for i, v in enumerate(values):
                yield from flatten(v, f"{prefix}[{i}]")
    else:
        yield prefix, data


def value_text(value: Any) -> str:
    """A leaf of the evidence as text; long lists shortened (claims.json keeps every value)."""
    if isinstance(value, list):
        items = [fmt_number(v) for v in value]
        if len(items) > _MAX_LIST:
            items = [*items[: _MAX_LIST - 2], "…", items[-1]]
            return "(" + ", ".join(items) + f"; {len(value)} values)"
        return "(" + ", ".join(items) + ")"
    return fmt_number(value)


def _with_unit(linker: Linker, value: Any, unit: str) -> Inlines:
    text = fmt_number(value) if not isinstance(value, str) else value
    parts: list[Inline] = list(linker.prose(text)) if isinstance(value, str) else [Text(text)]
    if unit:
        parts += [Text("\u00a0"), *linker.prose(unit)]
    return tuple(parts)


def key_numbers_table(kns: Sequence[KeyNumber], linker: Linker) -> Table:
    """The numbers a verdict was decided on: a grid (quantity × series) when every pair occurs once,
    else one row per number with the paper's value beside the computed one when there is one."""
    groups = list(dict.fromkeys(k.group for k in kns))
    labels = list(dict.fromkeys(k.label for k in kns))
    cell = {(k.label, k.group): k for k in kns}
    has_paper = any(k.paper is not None for k in kns)
    if len(groups) > 1 and len(labels) * len(groups) == len(kns) == len(cell) and not has_paper:
        rows: list[Cells] = [
            (linker.prose(lab), *(_with_unit(linker, cell[lab, g].value, cell[lab, g].unit) for g in groups))
            for lab in labels
        ]
        return Table(("", *groups), tuple(rows))
    header = (
        *(("series",) if any(groups) else ()),
        "quantity",
        *(("paper",) if has_paper else ()),
        "computed",
    )
    rows = []
    for k in kns:
        row: list[Inlines] = [linker.prose(k.group)] if any(groups) else []
        row.append(linker.prose(k.label))
        if has_paper:
            row.append(_with_unit(linker, k.paper, k.unit) if k.paper is not None else inlines("—"))
        row.append(_with_unit(linker, k.value, k.unit))
        rows.append(tuple(row))
    return Table(header, tuple(rows))


def _human_key(key: str) -> str:
    words = re.sub(r"\.(?=[A-Za-z_])", " · ", key).replace("_", " ").replace("+oo", "+∞").replace("-oo", "−∞")
    return " ".join("∞" if w == "oo" else w for w in words.split())


def fallback_numbers(figures: Mapping[str, Any]) -> Table | None:
    """Until a claim names its key numbers: its first few scalar results (settings left out)."""
    rows: list[Cells] = []
    for key, value in flatten(figures):
        if isinstance(value, list) or any(s in key.lower() for s in _SETTING_KEYS):
            continue
        if isinstance(value, str) and len(value) > 40:
            continue
        rows.append((inlines(_human_key(key)), inlines(fmt_number(value))))
        if len(rows) == FALLBACK_ROWS:
            break
    if not rows:
        return None
    return Table(
        ("quantity", "computed"),
        tuple(rows),
        caption=inlines("Selected from the evidence: this claim does not yet name its key numbers."),
    )


def robustness_text(r: Robustness, verdict: str, linker: Linker) -> Inlines:
    """'Margin: distance 0.53 against tolerance 0.05; the verdict changes at 0.6; 3 of 3 seeds agree.'"""
    parts: list[Inline] = [Text("Margin: "), *linker.prose(r.decided_on)]
    parts.append(Text(f" = {fmt_number(r.value)} against tolerance {fmt_number(r.tolerance)}"))
    if r.flips_at is not None:
        parts.append(Text(f"; the verdict would change at {fmt_number(r.flips_at)}"))
    if r.seeds:
        agree = r.agree if r.agree is not None else len(r.seeds)
        parts.append(Text(f"; {agree} of {len(r.seeds)} seeds give {verdict}"))
    if r.note:
        parts += [Text("; "), *linker.prose(r.note)]
    parts.append(Text("."))
    return tuple(parts)


# --- witnesses --------------------------------------------------------------------------------------


def witness_settings(w: Witness) -> Settings:
    return (w.digits, w.n_points, w.seed, w.tolerance)


def common_settings(witnesses: Sequence[Witness]) -> Settings | None:
    """The witness settings most witnesses of the report share (stated once, in the introduction)."""
    counts = Counter(witness_settings(w) for w in witnesses)
    return counts.most_common(1)[0][0] if counts else None


def settings_text(s: Settings) -> str:
    digits, points, seed, tolerance = s
    return (
        f"{points} random real points (seed {seed}) at {digits} significant digits, and agrees when "
        f"the largest relative difference of the two sides is at most {fmt_residual(tolerance)}"
    )


def _symbol_values(point: Mapping[str, float]) -> list[Inline]:
    out: list[Inline] = []
    for i, (name, value) in enumerate(sorted(point.items())):
        out += [Text(", ")] if i else []
        out += [Math(sp.Symbol(name)), Text(f" = {fmt_number(value)}")]
    return out


def _domain(domain: Mapping[str, tuple[float, float]]) -> Inlines:
    out: list[Inline] = []
    for i, (name, (lo, hi)) in enumerate(sorted(domain.items())):
        out += [Text(", ")] if i else []
        out += [Math(sp.Symbol(name)), Text(f" ∈ [{fmt_number(lo)}, {fmt_number(hi)}]")]
    return tuple(out)


def witness_table(witnesses: Sequence[Witness], default: Settings | None, linker: Linker) -> Table:
    rows: list[Cells] = []
    for w in witnesses:
        domain = _domain(w.domain)
        own = witness_settings(w) != default
        if own:
            domain += (Text(f" ({w.n_points} points, seed {w.seed}, {w.digits} digits)"),)
        if w.agrees:
            verdict = inlines(f"yes (≤ {fmt_residual(w.tolerance)})" if own else "yes")
        else:
            verdict = (Text("no, at "), *_symbol_values(w.worst_point))
        rows.append((linker.prose(w.description), domain, inlines(fmt_residual(w.max_rel_residual)), verdict))
    return Table(
        ("identity", "domain", "largest relative residual", "agrees"), tuple(rows), widths=(5, 3, 2, 2)
    )


def counterexample_text(ce: Mapping[str, Any]) -> Paragraph:
    """The counterexample on one line: the point and the values there (names set as maths)."""
    parts: list[Inline] = []
    for i, (key, value) in enumerate(flatten(ce)):
        parts += [Text(", ")] if i else []
        name: Inline = (
            Math(sp.Symbol(key)) if re.fullmatch(r"[A-Za-z][\w/()*]*", key) else Text(_human_key(key))
        )
        parts += [name, Text(f" = {value_text(value)}")]
    parts.append(Text("."))
    return Paragraph(tuple(parts))


# --- derivations ------------------------------------------------------------------------------------


def _is_equation(e: object) -> bool:
    return isinstance(e, sp.core.relational.Relational | sp.Implies | sp.Equivalent | sp.And)


def _is_label(e: object) -> bool:
    """A step whose 'expression' is only a tag (True, a word): its justification is the content."""
    if isinstance(e, str | sp.logic.boolalg.BooleanAtom):
        return True
    return (
        isinstance(e, sp.Symbol)
        and e.name.isalpha()
        and len(e.name) > 2
        and e.name.lower() not in greek_unicode
    )


def sketch_steps(steps: Sequence[Step]) -> tuple[list[tuple[Step, str]], bool]:
    """The steps a proof sketch shows, each with a note of what it leaves out, and whether any was left out.

    Left out: a step printing exactly as the one before (it changes nothing), and every run of plain
    expressions ending in 0 (a difference of two sides reduced to zero), which becomes the note
    "checked: the difference of the two sides is 0" on the step before it.
    """
    kept: list[tuple[Step, str]] = []
    dropped = False
    i = 0
    while i < len(steps):
        s = steps[i]
        if not _is_equation(s.expr) and not _is_label(s.expr):
            j = i
            while j < len(steps) and not _is_equation(steps[j].expr) and not _is_label(steps[j].expr):
                j += 1
            if steps[j - 1].expr == 0:
                dropped = True
                if kept:
                    kept[-1] = (kept[-1][0], "checked: the difference of the two sides reduces to 0")
                i = j
                continue
        if kept and not _is_label(s.expr) and to_boxes(s.expr) == to_boxes(kept[-1][0].expr):
            dropped = True
            i += 1
            continue
        kept.append((s, ""))
        i += 1
    return kept, dropped


def derivation_blocks(cid: str, steps: Sequence[Step], linker: Linker) -> list[Block]:
    """The proof sketch (numbered equations with their reasons) and, collapsed in the HTML, every step."""
    kept, dropped = sketch_steps(steps)
    blocks: list[Block] = []
    for k, (s, extra) in enumerate(kept, start=1):
        note = linker.prose(s.justification)
        if extra:
            note += (Text(f" ({extra})" if note else extra),)
        if _is_label(s.expr):
            blocks.append(Paragraph(note))
        else:
            blocks.append(Equation(s.expr, label=f"eq-{cid}-{k}", note=note))
    if dropped:
        chain = tuple(
            Paragraph(linker.prose(s.justification))
            if _is_label(s.expr)
            else Equation(s.expr, note=linker.prose(s.justification), numbered=False)
            for s in steps
        )
        blocks.append(Details(f"All {len(steps)} steps of the derivation", chain))
    return blocks


# --- the full evidence ------------------------------------------------------------------------------


def full_evidence(figures: Mapping[str, Any], json_path: str, *, named: bool = False) -> Details:
    """Every number of the evidence (collapsed in the HTML); the PDF names the JSON path instead,
    unless the key numbers' caption already ``named`` it."""
    rows = tuple((inlines(Code(k)), inlines(value_text(v))) for k, v in flatten(figures))
    note = () if named else inlines("All numbers of this claim: ", Code(json_path), ".")
    return Details(
        "All numbers of the evidence",
        (Table(("key", "value"), rows, widths=(3, 4)),),
        pdf_note=note,
    )
