"""The percentiles ``make bench`` reports are by nearest rank (``bench.pages.percentile``): with the cold table's 20
samples per kind, its p95 is the 19th smallest and only the max is the largest (until session 22, Python's rounding
of halves to even made every p95 of 20 samples the max, and the p99 of 100 samples the max, while the p95 of 40 was
the 38th)."""

import math

import pytest

from bench.pages import percentile


@pytest.mark.parametrize(
    ("count", "p", "rank"),
    [
        (20, 95, 19),
        (20, 50, 10),
        (20, 100, 20),
        (40, 95, 38),
        (100, 99, 99),
        (1000, 95, 950),
        (1000, 99, 990),
        (3, 50, 2),
        (3, 95, 3),
        (1, 95, 1),
        (7, 0, 1),
    ],
)
def test_the_percentile_is_the_sample_at_its_nearest_rank(count, p, rank):
    samples = [float(n) for n in range(count, 0, -1)]  # 1 to count, in reverse: the function sorts them
    assert percentile(samples, p) == float(rank)


def test_no_samples_have_no_percentile():
    assert math.isnan(percentile([], 95))
