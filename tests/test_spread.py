"""course_utils.spread reads a notebook's stated results and judges its tolerances."""
import pytest

from course_utils.expected import EXPECTED
from course_utils.results import Expectation
from course_utils.spread import CONDITIONS, read_results, summarise

BLACK = EXPECTED["test MSE, all-black image"]


def test_reads_results_notes_and_missed_claims():
    text = "\n".join([
        BLACK.line(0.11402),
        "✓ the autoencoder beats PCA",
        "Note: test MSE after 20 epochs, Glorot init: measured 0.00512, outside the range the course measured "
        "(0.0040 to 0.0048, that is 0.0044 (±0.0004)). Possible cause: training. If you changed ...",
        "Note: this claim of the lesson did not hold in your run: the autoencoder beats PCA-128. If you ...",
        Expectation("share", 0.596, abs=0.01, fmt=".1%").line(0.5962),
        "| 03 | test MSE | 0.0044 (±0.0004) |  measured 0.00443",
    ])
    values, missed = read_results(text)
    assert values == {"test MSE, all-black image": pytest.approx(0.11402),
                      "test MSE after 20 epochs, Glorot init": pytest.approx(0.00512),
                      "share": pytest.approx(0.5962)}
    assert missed == ["the autoencoder beats PCA-128"]


def test_summary_flags_a_tolerance_that_does_not_cover_the_spread_with_a_margin():
    inside = ("a", {BLACK.what: 0.1140, "other": 1.0}, [])
    edge = ("b", {BLACK.what: 0.11448}, ["a claim"])
    summary = summarise([inside, ("c", {BLACK.what: 0.1141}, [])])
    assert summary["results"][BLACK.what]["covered_with_margin"] is True
    assert "covered_with_margin" not in summary["results"]["other"]
    summary = summarise([inside, edge])
    assert summary["results"][BLACK.what]["covered_with_margin"] is False
    assert summary["missed_claims"] == {"b": ["a claim"]}
    assert summary["results"][BLACK.what]["suggested_tolerance"] > BLACK.tolerance * 0.9


def test_ten_conditions_cover_seeds_both_ci_configurations_threads_and_load():
    labels = " ".join(label for label, *_ in CONDITIONS)
    assert len(CONDITIONS) >= 10
    for word in ("seed", "AVX2, one core", "default", "threads", "busy", "oneDNN off"):
        assert word in labels
