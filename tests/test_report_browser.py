"""The HTML report in headless Chromium at 1280 px and 420 px, measured as a reader would meet it.

The page itself has no script; for measuring, a copy is loaded into an ``<iframe srcdoc>`` of the
wanted width inside a host page whose script reads the layout and writes it into the DOM, which
``--dump-dom`` prints. Runs where ``/usr/bin/chromium`` exists (``.ci/run`` installs Debian's package).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from report_samples import discovered_symbolic, sample_results

from ska_theory.provenance import provenance
from ska_theory.report.build import build_document
from ska_theory.report.html import render_html

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Chromium: install it with 'apt-get install -y chromium' (Debian), as .ci/run does",
)

MEASURE = r"""
window.onload = () => {
  const d = document.getElementById('page').contentDocument;
  const vw = d.documentElement.clientWidth;
  const shown = e => e.getClientRects().length > 0 && !e.closest('details:not([open])');
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; };
  const out = {
    viewport: vw,
    scroll_width: d.documentElement.scrollWidth,
    overflowing: [...d.querySelectorAll('body *')].filter(shown)
      .filter(e => e.getBoundingClientRect().right > vw + 1 && !e.closest('.eq-body, .graph-wrap'))
      .map(e => e.tagName + '.' + e.className).slice(0, 10),
    equations: [...d.querySelectorAll('.eq-body')].filter(shown)
      .map(e => [e.closest('.eq').id, e.scrollWidth, e.clientWidth]),
    maths: [...d.querySelectorAll('math')].filter(shown).map(box),
    graph: box(d.getElementById('claim-graph')),
    summary: box(d.getElementById('summary-table')),
    cards: getComputedStyle(d.querySelector('#summary-table tbody tr')).display,
    figures: [...d.querySelectorAll('figure svg')].filter(shown).map(box),
  };
  const pre = document.createElement('pre');
  pre.id = 'measured';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
};
"""


def measure(page: str, width: int, tmp_path: Path) -> dict[str, Any]:
    frame = f'<iframe id="page" style="border:0;width:{width}px;height:1600px" srcdoc="{html.escape(page)}">'
    host = f'<!DOCTYPE html><html><body style="margin:0">{frame}</iframe><script>{MEASURE}</script></body>'

    file = tmp_path / f"host-{width}.html"
    file.write_text(host, encoding="utf-8")
    out = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / f'profile-{width}'}",
            f"--window-size={max(width, 800)},1700",
            "--virtual-time-budget=10000",
            "--dump-dom",
            file.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )
    m = re.search(r'<pre id="measured">(.*?)</pre>', out.stdout, re.S)
    assert m, f"no measurement; stderr: {out.stderr[-500:]}"
    return json.loads(html.unescape(m.group(1)))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(build_document([*discovered_symbolic(), *sample_results()], provenance(), "quick"))


def _visible(box: list[float], viewport: float) -> bool:
    left, _, w, h = box
    return w > 0 and h > 0 and left < viewport


def test_1280px(page: str, tmp_path: Path) -> None:
    m = measure(page, 1280, tmp_path)
    assert m["scroll_width"] <= m["viewport"], m["overflowing"]
    assert not m["overflowing"]
    assert _visible(m["graph"], m["viewport"]) and _visible(m["summary"], m["viewport"])
    assert m["maths"] and all(w > 0 and h > 0 for _, _, w, h in m["maths"])
    wide = [(i, sw, cw) for i, sw, cw in m["equations"] if sw > cw + 1]
    assert not wide, f"equations scrolling sideways at 1280 px: {wide}"
    assert m["cards"] == "table-row"


def test_420px(page: str, tmp_path: Path) -> None:
    m = measure(page, 420, tmp_path)
    assert m["scroll_width"] <= m["viewport"], m["overflowing"]
    assert not m["overflowing"]
    assert _visible(m["graph"], m["viewport"]) and _visible(m["summary"], m["viewport"])
    assert m["summary"][2] <= m["viewport"]  # the summary fits: its rows are stacked cards
    assert m["cards"] == "block"
    assert m["maths"] and all(w > 0 and h > 0 for _, _, w, h in m["maths"])
    # Multi-panel figures switch to two panels per row: no figure is shrunk to a strip.
    assert all(h >= 0.25 * w for _, _, w, h in m["figures"])
