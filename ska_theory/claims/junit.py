"""JUnit XML of a check run: one test case per claim, the format CI services display."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.etree import ElementTree as ET

from ska_theory.claims.evaluate import Decided
from ska_theory.claims.model import Claim, Verdict
from ska_theory.claims.record import Change


def junit_xml(
    results: Sequence[Decided],
    changes: Sequence[Change],
    skipped: Sequence[tuple[Claim, str]],
    suite: str,
    text: Callable[[str], str] = str,
) -> str:
    """A test case per claim: failure when its verdict changed from the record or is undecided, skipped
    when it was not run (numeric claims under another theory). ``text`` renders a summary's maths markup."""
    changed = {ch.id: ch for ch in changes}
    root = ET.Element("testsuites")
    failures = sum(1 for r in results if r.claim.id in changed or r.outcome.verdict is Verdict.UNDECIDED)
    ts = ET.SubElement(
        root,
        "testsuite",
        name=suite,
        tests=str(len(results) + len(skipped)),
        failures=str(failures),
        errors="0",
        skipped=str(len(skipped)),
        time=f"{sum(r.seconds for r in results):.3f}",
    )
    for r in results:
        case = ET.SubElement(
            ts, "testcase", classname=r.claim.module or r.claim.kind, name=r.claim.id, time=f"{r.seconds:.3f}"
        )
        out = ET.SubElement(case, "system-out")
        summary = text(r.outcome.summary)
        out.text = f"{r.outcome.verdict}: {summary}"
        if r.outcome.verdict is Verdict.UNDECIDED:
            ET.SubElement(
                case, "failure", message=f"undecided at step {r.outcome.step}", type="undecided"
            ).text = summary
        elif r.claim.id in changed:
            ET.SubElement(
                case, "failure", message=str(changed[r.claim.id]), type="verdict-changed"
            ).text = summary
    for c, why in skipped:
        case = ET.SubElement(ts, "testcase", classname=c.module or c.kind, name=c.id, time="0")
        ET.SubElement(case, "skipped", message=why)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
