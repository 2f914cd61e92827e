"""Charts drawn on the server as SVG: no JavaScript, no third-party host, readable by a
screen reader (role="img", a title and a description) and always shown next to a table of
the same numbers. The same markup goes in the page and in the PDF (formats.Figure).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from markupsafe import Markup, escape

from dialogue import i18n

# The app's palette (dialogue/static/css): the three sides first, then other series.
COLOURS = ("#27548a", "#a4282d", "#2c6e49", "#6b5b95", "#9a5b00", "#0b5cad", "#5b6675")
INK, MUTED, LINE = "#1b2430", "#5b6675", "#d8dde4"

WIDTH = 520
LABEL_WIDTH = 150  # the categories' names
VALUE_WIDTH = 64  # the number after each bar
BAR_HEIGHT = 14
BAR_GAP = 3
GROUP_GAP = 12
LEGEND_ROW = 20
FONT = "font-family=\"'Noto Sans', 'Noto Sans Arabic', Arial, sans-serif\""


def _number(value: float, unit: str) -> str:
    shown = i18n.format_number(round(value, 1) if value % 1 else int(value))
    return f"{shown}{unit}" if unit == "%" else (f"{shown} {unit}" if unit else shown)


def _fitted(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    unit: str = "",
    direction: str = "ltr",
    maximum: float | None = None,
) -> Markup:
    """Horizontal bars: one group per category, one bar per series (its name in the legend
    when there are several). `unit` "%" scales to 100 unless `maximum` says otherwise;
    right to left, the names stand on the right and the bars grow leftwards."""
    rtl = direction == "rtl"
    values = [value for _name, numbers in series for value in numbers]
    top = maximum if maximum is not None else (100.0 if unit == "%" else max([*values, 0.0]))
    top = top or 1.0
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    legend = len(series) > 1
    y = LEGEND_ROW + 6 if legend else 4
    group = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    height = y + max(len(categories), 1) * (group + GROUP_GAP)
    key = hashlib.sha256(repr((title, categories, series)).encode()).hexdigest()[:10]
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="chart-{key}-t chart-{key}-d" {FONT} font-size="12" '
        # The anchors below are placed for a left-to-right drawing: a page or a PDF in Arabic
        # (dir="rtl") would otherwise turn every "start" and "end" around.
        'direction="ltr">',
        f'<title id="chart-{key}-t">{escape(title)}</title>',
        f'<desc id="chart-{key}-d">{escape(description)}</desc>',
    ]
    if legend:
        x = WIDTH - 4 if rtl else 4
        for index, (name, _numbers) in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            box = x - 12 if rtl else x
            parts.append(f'<rect x="{box}" y="4" width="12" height="12" fill="{colour}"/>')
            label_x = x - 16 if rtl else x + 16
            anchor = "end" if rtl else "start"
            parts.append(f'<text x="{label_x}" y="14" text-anchor="{anchor}" fill="{INK}">{escape(name)}</text>')
            step = 24 + 7 * len(name)
            x = x - step if rtl else x + step
    axis_x = WIDTH - LABEL_WIDTH if rtl else LABEL_WIDTH
    parts.append(f'<line x1="{axis_x}" y1="{y - 2}" x2="{axis_x}" y2="{height - GROUP_GAP + 2}" stroke="{LINE}"/>')
    for row, category in enumerate(categories):
        top_y = y + row * (group + GROUP_GAP)
        label_x = WIDTH - 4 if rtl else LABEL_WIDTH - 6
        anchor = "end"
        if rtl:
            anchor = "start"
            label_x = axis_x + 6
        parts.append(
            f'<text x="{label_x}" y="{top_y + group / 2 + 4:.1f}" text-anchor="{anchor}" fill="{INK}">'
            f"<title>{escape(category)}</title>{escape(_fitted(category))}</text>"
        )
        for index, (_name, numbers) in enumerate(series):
            value = numbers[row] if row < len(numbers) else 0.0
            length = max(0.0, min(value, top)) / top * span
            bar_y = top_y + index * (BAR_HEIGHT + BAR_GAP)
            bar_x = axis_x - length if rtl else axis_x
            colour = COLOURS[index % len(COLOURS)]
            parts.append(
                f'<rect x="{bar_x:.1f}" y="{bar_y}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>'
            )
            text_x = bar_x - 4 if rtl else bar_x + length + 4
            parts.append(
                f'<text x="{text_x:.1f}" y="{bar_y + BAR_HEIGHT - 3}" text-anchor="{"end" if rtl else "start"}" '
                f'fill="{MUTED}">{escape(_number(value, unit))}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text in it went through escape())
