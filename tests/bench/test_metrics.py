"""The shape `make bench` writes (issue 19): every metric has the same keys, ratios say how
many times better than the baseline, and a missing service gives a null value, not a crash."""

from bench.metrics import metric, percentile, skipped, table

KEYS = {"name", "value", "unit", "baseline", "baseline_value", "ratio", "n", "notes"}


def test_a_time_five_times_shorter_than_its_baseline_has_ratio_five() -> None:
    row = metric("face_check_12mp_ms", 400.0, "ms", n=5, notes="", baseline="naive",
                 baseline_value=2000.0)  # fmt: skip
    assert set(row) == KEYS and row["ratio"] == 5.0


def test_a_rate_twice_its_baseline_has_ratio_two() -> None:
    row = metric("screen_comments_per_s", 1000.0, "per_s", n=9, notes="", baseline="one by one",
                 baseline_value=500.0)  # fmt: skip
    assert row["ratio"] == 2.0


def test_a_metric_without_its_service_is_null_and_says_why() -> None:
    row = skipped("queue_list_p95_ms", "ms", "PostgreSQL unreachable")
    assert set(row) == KEYS
    assert row["value"] is None and row["ratio"] is None and "PostgreSQL" in row["notes"]


def test_the_95th_percentile_of_a_hundred_values_is_the_95th() -> None:
    assert percentile([float(v) for v in range(100, 0, -1)], 95) == 95.0


def test_the_table_shows_a_dash_for_what_was_not_measured() -> None:
    text = table([skipped("submit_p95_ms", "ms", "no Redis")])
    assert "submit_p95_ms" in text.splitlines()[2] and " - " in text.splitlines()[2]
