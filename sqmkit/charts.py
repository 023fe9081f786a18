"""Charts of the improvement report, drawn by matplotlib as SVG and embedded inline in the HTML
(WeasyPrint draws them as vector graphics in the PDF).

Text stays text (``svg.fonttype: none``) in the CJK family the handbook prints with, so the
labels are searchable and extractable; ids are fixed (``svg.hashsalt``) and no date is written,
so the same figures give the same bytes. matplotlib is imported when a chart is drawn.
"""

from __future__ import annotations

import io
from typing import Any

#: colours of the lines and bars (a palette readable in grey print)
PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#843c0c", "#375623")


def _rc(font: str | None) -> dict[str, Any]:
    return {"svg.fonttype": "none", "svg.hashsalt": "sqmkit-report", "font.family": "sans-serif",
            "font.sans-serif": [f for f in (font, "DejaVu Sans") if f], "font.size": 9,
            "axes.spines.top": False, "axes.spines.right": False, "axes.unicode_minus": False}


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg"):]


def trend_chart(buckets: list[str], lines: dict[str, list[float | None]], ylabel: str, font: str | None) -> str:
    """Average scores per bucket, one line per checklist, as an inline SVG element."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_rc(font)):  # type: ignore[arg-type]
        fig = Figure(figsize=(6.8, 2.8))
        ax = fig.add_subplot()
        xs = list(range(len(buckets)))
        for n, (name, values) in enumerate(lines.items()):
            points = [(x, v) for x, v in zip(xs, values) if v is not None]
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", linewidth=1.6, markersize=4,
                    color=PALETTE[n % len(PALETTE)], label=name)
        ax.set_xticks(xs, buckets, rotation=30 if len(buckets) > 6 else 0)
        ax.set_ylim(0, 105)
        ax.set_ylabel(ylabel)
        ax.grid(axis="y", linewidth=0.4, alpha=0.6)
        ax.legend(loc="lower left", frameon=False, fontsize=8)
        return _svg(fig)


def grade_chart(rows: list[tuple[str, dict[str, int], float]], grades: list[str], font: str | None) -> str:
    """Grade counts per row (a checklist), stacked horizontal bars, as an inline SVG element."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context(_rc(font)):  # type: ignore[arg-type]
        fig = Figure(figsize=(6.8, 0.6 + 0.45 * len(rows)))
        ax = fig.add_subplot()
        names = [r[0] for r in rows]
        left = [0] * len(rows)
        for n, grade in enumerate(grades):
            counts = [r[1].get(grade, 0) for r in rows]
            if not any(counts):
                continue
            ax.barh(names, counts, left=left, color=PALETTE[n % len(PALETTE)], label=grade, height=0.6)
            left = [a + b for a, b in zip(left, counts)]
        ax.invert_yaxis()
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="lower right", frameon=False, fontsize=8, ncols=min(6, len(grades)))
        ax.grid(axis="x", linewidth=0.4, alpha=0.6)
        return _svg(fig)
