"""The SVG charts: accessible images whose every text is escaped."""

from datetime import date

from aula.reports.charts import MAX_LABEL, bar_chart, grouped_bar_chart, line_chart


def test_bar_chart_is_an_accessible_image_with_escaped_labels():
    svg = bar_chart("c1", "By <organisation>", [("A & <B>", 3), ("C", 1)])
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"')
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">By &lt;organisation&gt;</title>' in svg
    assert "<desc id=\"c1-desc\">A &amp; &lt;B&gt;: 3; C: 1</desc>" in svg
    assert "<B>" not in svg
    assert svg.count("<rect") == 2


def test_bar_chart_scales_to_the_biggest_value_and_survives_zeros():
    svg = bar_chart("c2", "t", [("a", 4), ("b", 2)])
    assert 'width="360"' in svg and 'width="180"' in svg
    assert "<rect" in bar_chart("c3", "t", [("a", 0)])
    assert bar_chart("c4", "t", []).endswith("</svg>")


def test_long_labels_are_shortened_in_the_picture_only():
    label = "Higher education and research organisations"
    svg = bar_chart("c5", "t", [(label, 1)])
    assert f"<desc id=\"c5-desc\">{label}: 1</desc>" in svg
    assert label[: MAX_LABEL - 1] + "…" in svg


def test_line_chart():
    svg = line_chart("l1", "Over time", [(date(2021, 6, 1), 1), (date(2021, 6, 4), 8)])
    assert 'role="img"' in svg and "<polyline" in svg
    assert "2021-06-01" in svg and "2021-06-04" in svg
    assert "<circle" in line_chart("l2", "t", [(date(2021, 6, 1), 3)])
    assert "<polyline" not in line_chart("l3", "t", [])


def test_grouped_bar_chart_has_a_legend_and_a_bar_per_series():
    svg = grouped_bar_chart("g1", "t", ["Registered", "Attended"], [("<E1>", [4, 2]),
                                                                     ("E2", [1, 0])])
    assert svg.count("<rect") == 2 + 4  # legend + bars
    assert "&lt;E1&gt;" in svg and "<E1>" not in svg
