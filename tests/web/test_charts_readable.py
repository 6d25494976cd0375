"""Charts a lead can read: sparklines as lines with their ends written and their trend in
words, colour legends in text, bar labels that fit; all without a style attribute."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from servicecoach.web.charts import Bar, Series, bar_chart, legend, line_chart, sparkline

SVG = "{http://www.w3.org/2000/svg}"
LABELS = ["May 6", "May 13", "May 20", "May 27", "Jun 3"]


def _svg(markup: Markup) -> ET.Element:
    return ET.fromstring(str(markup))


def _no_inline_style(markup: Markup) -> None:
    text = str(markup)
    assert "style=" not in text and not re.search(r"\son\w+=", text) and "<script" not in text


@pytest.mark.parametrize(
    ("values", "name"),
    [
        (
            [62, None, None, 71, 68],
            "empathy per week: from 62 (May 6) to 68 (Jun 3), lowest 62, highest 71; "
            "3 of 5 periods with data",
        ),
        ([None, None, 80, None, None], "empathy per week: 80 (May 20); 1 of 5 periods with data"),
        ([None] * 5, "empathy per week: no data"),
    ],
)
def test_charts_sparkline_says_its_trend_in_words(values: list[float | None], name: str) -> None:
    root = _svg(sparkline(values, title="empathy per week", labels=LABELS))
    assert root.get("role") == "img" and root.get("aria-label") == name
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == name


def test_charts_sparkline_is_a_line_across_gaps_with_end_labels() -> None:
    markup = sparkline([62, None, None, 71, 68], title="trend", labels=LABELS)
    root = _svg(markup)
    segments = [line for line in root.iter(f"{SVG}line") if line.get("stroke") != "#e5e7eb"]
    assert len(segments) == 2  # 62 -> 71 (across the gap, dotted) and 71 -> 68
    assert segments[0].get("stroke-dasharray") and not segments[1].get("stroke-dasharray")
    assert [t.text for t in root.iter(f"{SVG}text")] == ["68", "62"]  # last, then first
    assert int(root.get("width") or 0) >= 160 and int(root.get("height") or 0) >= 40
    assert [c.get("r") for c in root.iter(f"{SVG}circle")] == ["2.5"] * 3
    _no_inline_style(markup)


def test_charts_sparkline_scale_fits_the_values() -> None:
    root = _svg(sparkline([62, 71], title="trend"))
    ys = [float(c.get("cy") or 0) for c in root.iter(f"{SVG}circle")]
    assert ys[0] - ys[1] > 12  # 9 points of 100 take 14 of 44 pixels, not 3


def test_charts_legend_is_text_with_hidden_swatches() -> None:
    markup = legend([("#dc2626", "mostly upset <customers>"), ("#2563eb", "calmer")])
    text = str(markup)
    assert text.startswith('<p class="legend')
    assert "mostly upset &lt;customers&gt;" in text and "calmer" in text
    assert text.count('aria-hidden="true"') == 2 and 'fill="#dc2626"' in text
    _no_inline_style(markup)
    assert legend([]) == Markup("")


def test_charts_bar_chart_legend_and_long_labels() -> None:
    long = "login code not arriving on the phone"
    markup = bar_chart(
        [Bar(long, 3, "3", "#dc2626"), Bar("refund", 1, "1")],
        title="reasons",
        colors=[("#dc2626", "half or more started upset")],
    )
    svg, rest = str(markup).split("</svg>", 1)
    root = _svg(Markup(svg + "</svg>"))
    labels = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert labels[0].endswith("…") and len(labels[0]) <= 22
    assert any(long in (t.text or "") for t in root.iter(f"{SVG}title"))  # whole in the tooltip
    assert "half or more started upset" in rest
    _no_inline_style(markup)


def test_charts_line_chart_joins_points_across_gaps() -> None:
    chart = line_chart(LABELS, [Series("empathy", [80, None, None, 60, 70])], title="empathy")
    root = _svg(chart)
    gaps = [line for line in root.iter(f"{SVG}line") if line.get("class") == "gap"]
    assert len(gaps) == 1 and gaps[0].get("stroke-dasharray")
    assert len(list(root.iter(f"{SVG}polyline"))) == 1  # 60 -> 70
    _no_inline_style(chart)
