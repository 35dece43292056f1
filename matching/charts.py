"""Small server-side SVG line charts (no CDN, no JavaScript): metrics over versions, drift over time."""

from __future__ import annotations

from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from matching.models import DriftReport, ModelVersion

Series = dict[str, list[tuple[datetime, float]]]

COLOURS = ["#2456c7", "#c2410c", "#15803d", "#7c3aed", "#be123c"]


def metric_series(versions: list[ModelVersion], *, most: int = 4) -> Series:
    """The first ``most`` numeric metrics (by name) of the versions, oldest version first
    (``versions`` come newest first); a version without a metric has no point for it."""
    keys = sorted(
        {k for v in versions for k, x in v.metrics.items() if isinstance(x, int | float)}
    )[:most]
    return {
        key: [
            (v.created_at, v.metrics[key])
            for v in reversed(versions)
            if isinstance(v.metrics.get(key), int | float)
        ]
        for key in keys
    }


def drift_series(reports: list[DriftReport]) -> Series:
    """Each kind of drift check's scores over time, oldest first (``reports`` come newest
    first); a check without a score has no point."""
    return {
        kind: [
            (d.created_at, d.score)
            for d in reversed(reports)
            if d.kind == kind and d.score is not None
        ]
        for kind in DriftReport.Kind.values
    }


def line_chart_svg(
    series: Series,
    *,
    title: str,
    width: int = 640,
    height: int = 220,
) -> SafeString:
    points = [(t, v) for values in series.values() for t, v in values]
    if not points:
        return mark_safe(f'<p class="muted">{escape(title)}: no data yet.</p>')  # noqa: S308
    pad = 36
    t0 = min(t for t, _ in points).timestamp()
    t1 = max(t for t, _ in points).timestamp()
    lo = min(v for _, v in points)
    hi = max(v for _, v in points)
    span_t = (t1 - t0) or 1.0
    span_v = (hi - lo) or 1.0

    def xy(t: datetime, v: float) -> tuple[float, float]:
        x = pad + (t.timestamp() - t0) / span_t * (width - 2 * pad)
        y = height - pad - (v - lo) / span_v * (height - 2 * pad)
        return round(x, 1), round(y, 1)

    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>',
        f'<text x="4" y="{pad}" font-size="11">{hi:.3g}</text>',
        f'<text x="4" y="{height - pad}" font-size="11">{lo:.3g}</text>',
    ]
    for i, (name, values) in enumerate(sorted(series.items())):
        if not values:
            continue
        colour = COLOURS[i % len(COLOURS)]
        coords = " ".join(f"{x},{y}" for x, y in (xy(t, v) for t, v in values))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}"/>'
        )
        parts.append(
            f'<text x="{pad + 110 * i}" y="{height - 8}" font-size="12" fill="{colour}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - names are escaped, numbers are formatted
