"""Inline SVG charts as strings: no library, no network, every figure readable as text too.

Each chart is a pure function of plain numbers and labels, returns one ``<svg>`` element,
and puts the exact figure of every mark in a ``<title>`` (the browser's tooltip), so the
picture never hides a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from pytest_lee.budgets.stats import format_value

COLORS = {
    "target": "#2e7d32",
    "acceptable": "#f9a825",
    "over": "#ef6c00",
    "critical": "#c62828",
    "ok": "#2e7d32",
    "fail": "#c62828",
    "skipped": "#9e9e9e",
    "inconclusive": "#9e9e9e",
    "neutral": "#5c7cfa",
    "chain": "#c62828",
}
LEVEL_DASH = {"target": "2 2", "acceptable": "5 3", "critical": ""}


def e(value: Any) -> str:
    return escape(str(value), quote=True)


def num(value: Any, default: float = 0.0) -> float:
    """A number from an entry, *default* for anything else (None, a string, a bool)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return default


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{e(label)}" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">'
        + "".join(body)
        + "</svg>"
    )


def _rect(box: tuple[float, float, float, float], fill: str, title: str, extra: str = "") -> str:
    x, y, w, h = box
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.5):.1f}" height="{h:.1f}" fill="{fill}"{extra}>'
        f"<title>{e(title)}</title></rect>"
    )


def _text(x: float, y: float, text: str, extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{e(text)}</text>'


def distribution(
    samples: Sequence[float], levels: dict[str, float | None], median: float | None, unit: str = ""
) -> str:
    """One metric's runs as dots on a scale, the median as a bar, the levels as dashed lines."""
    width, height, pad = 240.0, 34.0, 6.0
    values = [float(v) for v in samples if isinstance(v, (int, float))]
    data = values + ([float(median)] if isinstance(median, (int, float)) else [])
    if not data:
        return ""
    low, high = _nearest_levels(min(data), max(data), levels)
    if high == low:
        low, high = low - 1, high + 1
    span = high - low

    def x(value: float) -> float:
        return pad + (value - low) / span * (width - 2 * pad)

    body = [
        f'<line x1="{pad}" y1="{height - 14}" x2="{width - pad}" y2="{height - 14}" stroke="#bbb"/>'
    ]
    for name, level in levels.items():
        if isinstance(level, (int, float)) and low <= level <= high:
            body.append(
                f'<line x1="{x(level):.1f}" y1="2" x2="{x(level):.1f}" y2="{height - 12}" '
                f'stroke="{COLORS.get(name, "#888")}" stroke-dasharray="{LEVEL_DASH.get(name, "")}">'
                f"<title>{e(name)} {e(format_value(level))}{e(unit)}</title></line>"
            )
    for value in values:
        body.append(
            f'<circle cx="{x(value):.1f}" cy="{(height - 12) / 2:.1f}" r="3" fill="#37474f" fill-opacity="0.55">'
            f"<title>run: {e(format_value(value))}{e(unit)}</title></circle>"
        )
    if isinstance(median, (int, float)):
        body.append(
            _rect(
                (x(median) - 1, 2, 2, height - 16), "#000", f"median {format_value(median)}{unit}"
            )
        )
    body.extend(_off_scale(levels, low, high, x_left=1, x_right=width - 1, y=height - 1))
    return _svg(width, height, body, "distribution of the runs")


def _nearest_levels(
    low: float, high: float, levels: dict[str, float | None]
) -> tuple[float, float]:
    """The data's range, widened to the nearest level on each side when that level is
    close (within the data's own span): where the runs sit against the next threshold,
    without a far-away level squeezing them into one dot. Off-scale levels are left to
    :func:`_off_scale`."""
    span = max(high - low, abs(high) * 0.1, 1e-9)
    marks = [float(v) for v in levels.values() if isinstance(v, (int, float))]
    above = [mark for mark in marks if high <= mark <= high + span]
    below = [mark for mark in marks if low - span <= mark <= low]
    low = max(below) if below else low
    high = min(above) if above else high
    if high == low:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.06
    return low - pad, high + pad


def _off_scale(
    levels: dict[str, float | None],
    low: float,
    high: float,
    *,
    x_left: float,
    x_right: float,
    y: float,
) -> list[str]:
    """``← target 1`` / ``critical 2000 →`` at the edges for the nearest levels not drawn."""
    named = [(name, float(v)) for name, v in levels.items() if isinstance(v, (int, float))]
    below = [pair for pair in named if pair[1] < low]
    above = [pair for pair in named if pair[1] > high]
    body = []
    if below:
        name, value = max(below, key=lambda pair: pair[1])
        body.append(_text(x_left, y, f"← {name} {format_value(value)}", ' class="tick"'))
    if above:
        name, value = min(above, key=lambda pair: pair[1])
        body.append(
            _text(x_right, y, f"{name} {format_value(value)} →", ' class="tick" text-anchor="end"')
        )
    return body


def waterfall(rows: Sequence[tuple[str, float, float, str]], total: float) -> str:
    """Horizontal bars ``(label, start, duration, color)`` on one time axis of *total* ms."""
    if not rows or total <= 0:
        return ""
    label_w, width, row_h = 230.0, 820.0, 22.0
    plot_w = width - label_w - 70
    height = row_h * len(rows) + 24
    body = []
    for index, (label, start, duration, color) in enumerate(rows):
        y = index * row_h + 4
        x = label_w + start / total * plot_w
        w = duration / total * plot_w
        title = f"{label}: {format_value(duration)} ms (from {format_value(start)} ms)"
        body.append(_text(label_w - 8, y + 14, label, ' text-anchor="end"'))
        body.append(_rect((x, y, w, row_h - 6), color, title))
        body.append(
            _text(x + max(w, 0.5) + 4, y + 14, f"{format_value(duration)} ms", ' class="num"')
        )
    axis_y = height - 14
    body.append(
        f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" y2="{axis_y}" stroke="#bbb"/>'
    )
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        tick = label_w + fraction * plot_w
        body.append(
            _text(
                tick,
                axis_y + 12,
                f"{format_value(total * fraction)} ms",
                ' class="tick" text-anchor="middle"',
            )
        )
    return _svg(width, height, body, "cold start waterfall")


def icicle(roots: Sequence[dict[str, Any]], marked: set[str], max_depth: int = 14) -> str:
    """The import tree: one row per depth, each module as wide as its cumulative time.

    Phases (the import, then the first invocation's lazy imports) sit side by side on one
    time axis; modules in *marked* (the heaviest chains' heads) are outlined in red."""
    total = sum(num(root.get("cumulative_ms")) for root in roots)
    if total <= 0:
        return ""
    width, row_h = 1000.0, 20.0
    body: list[str] = []
    deepest = [0]

    def place(node: dict[str, Any], x: float, depth: int, path: str) -> None:
        cumulative = num(node.get("cumulative_ms"))
        w = cumulative / total * width
        if depth > max_depth or w < 0.3:
            return
        deepest[0] = max(deepest[0], depth)
        name = str(node.get("module", "?"))
        hit = name in marked
        fill = "#ffcdd2" if hit else ("#e3f2fd" if depth == 0 else _shade(depth))
        stroke = (
            ' stroke="#c62828" stroke-width="2"' if hit else ' stroke="#fff" stroke-width="0.5"'
        )
        title = f"{path}{name}: {format_value(cumulative)} ms cumulative, {format_value(node.get('self_ms'))} ms own"
        body.append(
            f'<g class="ice{" chain" if hit else ""}" data-module="{e(name)}">'
            + _rect((x, depth * row_h, w, row_h - 1), fill, title, stroke)
        )
        if w > 46:
            shown = name if len(name) * 6.2 < w - 6 else name[: max(1, int((w - 12) / 6.2))] + "…"
            body.append(_text(x + 3, depth * row_h + 14, shown, ' class="ice-label"'))
        body.append("</g>")
        child_x = x
        for child in node.get("children") or []:
            place(child, child_x, depth + 1, f"{path}{name} → " if depth else "")
            child_x += num(child.get("cumulative_ms")) / total * width

    x = 0.0
    for root in roots:
        place(root, x, 0, "")
        x += num(root.get("cumulative_ms")) / total * width
    height = (deepest[0] + 1) * row_h + 2
    return _svg(width, height, body, "import tree icicle")


def _shade(depth: int) -> str:
    light = max(70, 94 - depth * 3)
    return f"hsl(210, 45%, {light}%)"


def trend(
    points: Sequence[tuple[str, float, str]], levels: dict[str, float | None], unit: str = ""
) -> str:
    """A metric's median across saved baselines, oldest first, the current run last."""
    if not points:
        return ""
    width, height, left, bottom = 440.0, 150.0, 52.0, 34.0
    values = [value for _, value, _ in points]
    low, high = _nearest_levels(min(values), max(values), levels)
    plot_w, plot_h = width - left - 44, height - bottom - 10

    def y(value: float) -> float:
        return 10 + (high - value) / (high - low) * plot_h

    def x(index: int) -> float:
        return (
            left + (index / max(1, len(points) - 1)) * plot_w
            if len(points) > 1
            else left + plot_w / 2
        )

    body = [
        f'<line x1="{left}" y1="{10 + plot_h}" x2="{left + plot_w}" y2="{10 + plot_h}" stroke="#bbb"/>'
    ]
    for name, level in levels.items():
        if isinstance(level, (int, float)) and low <= level <= high:
            body.append(
                f'<line x1="{left}" y1="{y(level):.1f}" x2="{left + plot_w}" y2="{y(level):.1f}" '
                f'stroke="{COLORS.get(name, "#888")}" stroke-dasharray="4 3"><title>{e(name)} {e(format_value(level))}</title></line>'
            )
    body.extend(_off_scale(levels, low, high, x_left=left + 2, x_right=left + plot_w, y=20))
    for value in (low, high):
        body.append(
            _text(left - 4, y(value) + 4, format_value(value), ' class="tick" text-anchor="end"')
        )
    path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_, v, _) in enumerate(points))
    body.append(
        f'<polyline points="{path}" fill="none" stroke="{COLORS["neutral"]}" stroke-width="2"/>'
    )
    for index, (label, value, detail) in enumerate(points):
        last = index == len(points) - 1
        body.append(
            f'<circle cx="{x(index):.1f}" cy="{y(value):.1f}" r="{5 if last else 4}" '
            f'fill="{"#000" if last else COLORS["neutral"]}"><title>{e(label)}: {e(format_value(value))}{e(unit)}'
            f"{e(chr(10) + detail) if detail else ''}</title></circle>"
        )
        body.append(
            _text(
                x(index),
                height - 18 + (index % 2) * 12,
                label[:16],
                ' class="tick" text-anchor="middle"',
            )
        )
    return _svg(width, height, body, "trend across saved baselines")


def timeline(steps: Sequence[dict[str, Any]]) -> str:
    """A deployment's steps end to end on one time axis, coloured by outcome."""
    durations = [max(0.0, num(step.get("ms"))) for step in steps]
    total = sum(durations)
    if not steps:
        return ""
    label_w, width, row_h = 250.0, 900.0, 20.0
    plot_w = width - label_w - 80
    height = row_h * len(steps) + 6
    body: list[str] = []
    start = 0.0
    for index, (step, duration) in enumerate(zip(steps, durations)):
        ok = step.get("ok")
        color = COLORS["ok"] if ok is True else COLORS["fail"] if ok is False else COLORS["skipped"]
        y = index * row_h + 3
        x = label_w + (start / total * plot_w if total else 0)
        w = duration / total * plot_w if total else 1
        detail = str(step.get("detail") or "")
        title = (
            f"{step.get('section', '')}: {step.get('name', '')} — {format_value(duration)} ms"
            + (f"\n{detail}" if detail else "")
        )
        body.append(_text(label_w - 8, y + 13, str(step.get("name", "")), ' text-anchor="end"'))
        body.append(_rect((x, y, w, row_h - 5), color, title, f' class="step step-{e(_word(ok))}"'))
        body.append(
            _text(x + max(w, 0.5) + 4, y + 13, f"{format_value(duration)} ms", ' class="num"')
        )
        start += duration
    return _svg(width, height, body, "deployment timeline")


def _word(ok: Any) -> str:
    return "ok" if ok is True else "failed" if ok is False else "skipped"


def alias_track(events: Sequence[tuple[str, dict[str, float]]]) -> str:
    """Where the production alias pointed over time: one column per moment, one lane per
    version, a dot sized by the weight of traffic that version received."""
    if not events:
        return ""
    versions = sorted(
        {version for _, weights in events for version in weights}, key=_version_key, reverse=True
    )
    label_w, col_w, lane_h = 60.0, 78.0, 24.0
    width = label_w + col_w * len(events) + 10
    height = lane_h * len(versions) + 44
    body: list[str] = []
    lane = {version: index for index, version in enumerate(versions)}
    for version, index in lane.items():
        y = 10 + index * lane_h + lane_h / 2
        body.append(_text(label_w - 8, y + 4, f"v{version}", ' text-anchor="end"'))
        body.append(
            f'<line x1="{label_w}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#eee"/>'
        )
    previous: tuple[float, float] | None = None
    for column, (label, weights) in enumerate(events):
        x = label_w + col_w * column + col_w / 2
        main = max(weights.items(), key=lambda item: item[1])[0] if weights else None
        for version, weight in weights.items():
            y = 10 + lane[version] * lane_h + lane_h / 2
            radius = 3 + 5 * max(0.0, min(1.0, weight))
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{COLORS["neutral"]}">'
                f"<title>{e(label)}: v{e(version)} gets {weight * 100:.0f} % of production</title></circle>"
            )
        if main is not None:
            point = (x, 10 + lane[main] * lane_h + lane_h / 2)
            if previous is not None:
                body.append(
                    f'<line x1="{previous[0]:.1f}" y1="{previous[1]:.1f}" x2="{point[0]:.1f}" y2="{point[1]:.1f}" '
                    f'stroke="{COLORS["neutral"]}" stroke-opacity="0.5"/>'
                )
            previous = point
        body.append(
            _text(
                x, height - 20 + (column % 2) * 12, label[:14], ' class="tick" text-anchor="middle"'
            )
        )
    return _svg(width, height, body, "production alias over time")


def _version_key(version: str) -> tuple[int, str]:
    return (int(version), "") if version.isdigit() else (1 << 30, version)


def size_bars(rows: Sequence[tuple[str, float]], unit_label: Any) -> str:
    """Horizontal bars of sizes (bytes), largest first; *unit_label* formats a size."""
    if not rows:
        return ""
    largest = max(size for _, size in rows) or 1
    label_w, width, row_h = 300.0, 820.0, 18.0
    plot_w = width - label_w - 90
    body: list[str] = []
    for index, (name, size) in enumerate(rows):
        y = index * row_h + 2
        w = size / largest * plot_w
        body.append(
            _text(
                label_w - 8,
                y + 12,
                name if len(name) < 46 else "…" + name[-44:],
                ' text-anchor="end"',
            )
        )
        body.append(
            _rect((label_w, y, w, row_h - 4), COLORS["neutral"], f"{name}: {unit_label(size)}")
        )
        body.append(_text(label_w + w + 4, y + 12, unit_label(size), ' class="num"'))
    return _svg(width, row_h * len(rows) + 4, body, "sizes")
