"""The inline SVG charts: well-formed, labelled, with a tooltip per point and bar."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from servicecoach.web.charts import (
    Bar,
    Series,
    bar_chart,
    line_chart,
    nice_ceiling,
    sparkline,
    stacked_bars,
)

SVG = "{http://www.w3.org/2000/svg}"


def _parse(chart: Markup) -> ET.Element:
    root = ET.fromstring(str(chart))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") and root.get("role") == "img" and root.get("aria-label")
    return root


def _tips(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}title")][1:]


def test_line_chart_has_axes_tooltips_legend_and_gaps() -> None:
    chart = line_chart(
        ["May 6", "May 13", "May 20"],
        [Series("empathy", [80, None, 60]), Series("patience <&>", [50, 55, 70])],
        title="Skills & more",
        target=75,
    )
    root = _parse(chart)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "0" in texts and "100" in texts  # the y axis
    assert "May 13" in texts  # the x axis
    assert "patience <&>" in texts  # the legend, escaped in the markup
    assert "patience &lt;&amp;&gt;" in str(chart)
    tips = _tips(root)
    assert "empathy, May 6: 80" in tips and "empathy, May 20: 60" in tips
    assert not any(t.startswith("empathy, May 13") for t in tips)  # a gap, no point
    assert "target: 75" in tips
    assert len(list(root.iter(f"{SVG}polyline"))) == 1  # empathy has no run of two points


def test_line_chart_rounds_its_axis_above_the_data() -> None:
    root = _parse(line_chart(["a", "b"], [Series("n", [3, 41])], title="Volume", y_max=1))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "50" in texts and "25" in texts


@pytest.mark.parametrize(
    ("value", "expected"), [(41, 50), (78, 100), (7, 10), (0.3, 0.4), (200, 200), (0, 1)]
)
def test_nice_ceiling(value: float, expected: float) -> None:
    assert nice_ceiling(value) == pytest.approx(expected)


def test_bar_chart_rows_and_marker() -> None:
    root = _parse(
        bar_chart(
            [Bar("chat", 82, "82% within 2 min"), Bar("email", 40, "40% within 24 h")],
            title="Within target",
            max_value=100,
            marker=80,
        )
    )
    assert "chat: 82% within 2 min" in _tips(root)
    widths = [float(r.get("width", 0)) for r in root.iter(f"{SVG}rect")]
    assert widths[1] > widths[3] > 0  # chat's bar is longer than email's
    assert root.find(f"{SVG}line") is not None


def test_stacked_bars_shares_and_legend() -> None:
    root = _parse(
        stacked_bars(
            [("start", {"anger": 1, "neutral": 3}), ("end", {"neutral": 2, "relief": 2})],
            title="Emotion",
            order=["anger", "neutral", "relief", "sadness"],
        )
    )
    tips = _tips(root)
    assert "start: anger 1 (25%)" in tips and "end: relief 2 (50%)" in tips
    legend = [t.text for t in root.iter(f"{SVG}text")]
    assert "relief" in legend and "sadness" not in legend  # no empty legend entries


def test_sparkline_tooltips() -> None:
    root = _parse(sparkline([50, None, 70], title="trend", labels=["a", "b", "c"]))
    assert _tips(root) == ["a: 50", "c: 70"]


def test_charts_with_no_data_are_still_valid() -> None:
    _parse(line_chart([], [], title="nothing"))
    _parse(bar_chart([], title="nothing"))
    _parse(stacked_bars([], title="nothing", order=["a"]))
    _parse(sparkline([], title="nothing"))
