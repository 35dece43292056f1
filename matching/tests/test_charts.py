"""The models page's charts: the series drawn from model versions and drift checks, and the SVG."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from matching.charts import drift_series, line_chart_svg, metric_series
from matching.models import DriftReport, ModelVersion

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(day: int) -> datetime:
    return T0 + timedelta(days=day)


def test_metric_series_keep_numeric_metrics_oldest_version_first():
    newest_first = [
        ModelVersion(created_at=at(2), metrics={"f1": 0.8, "ndcg": 0.7, "note": "text"}),
        ModelVersion(created_at=at(1), metrics={"f1": 0.6}),
    ]
    assert metric_series(newest_first) == {
        "f1": [(at(1), 0.6), (at(2), 0.8)],
        "ndcg": [(at(2), 0.7)],
    }


def test_metric_series_draw_at_most_the_first_four_metrics_by_name():
    version = ModelVersion(created_at=at(0), metrics=dict.fromkeys("edcba", 1.0))
    assert list(metric_series([version])) == ["a", "b", "c", "d"]


def test_drift_series_have_one_line_per_kind_of_check_without_unscored_checks():
    newest_first = [
        DriftReport(created_at=at(3), kind=DriftReport.Kind.DATA, score=None),
        DriftReport(created_at=at(2), kind=DriftReport.Kind.SKILL, score=0.3),
        DriftReport(created_at=at(1), kind=DriftReport.Kind.DATA, score=0.1),
    ]
    series = drift_series(newest_first)
    assert set(series) == set(DriftReport.Kind.values)
    assert series["data"] == [(at(1), 0.1)]
    assert series["skill"] == [(at(2), 0.3)]
    assert series["centroid"] == []


def test_a_chart_without_points_says_so_and_names_are_escaped():
    assert "no data yet" in line_chart_svg({"f1": []}, title="Metrics")
    svg = line_chart_svg({"<b>": [(at(0), 0.1), (at(1), 0.2)]}, title="Metrics")
    assert svg.startswith("<svg") and "<b>" not in svg and "&lt;b&gt;" in svg
