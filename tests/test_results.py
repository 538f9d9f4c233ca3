"""course_utils.results: tolerance statements that read the same on every CPU, in two modes.

Under the instructors' command (``COURSE_STRICT=1``, set by the root conftest.py, so also here)
a miss raises; in a student's kernel (no ``COURSE_STRICT``) it prints a note and goes on.
"""
import re
from pathlib import Path

import numpy as np
import pytest
from nbval.plugin import get_sanitize_patterns

from course_utils import results
from course_utils.expected import EXPECTED
from course_utils.results import MEASURED, Expectation, Record, claim, expect

MSE = Expectation("test MSE after 20 epochs", 0.0044, abs=0.0004, fmt=".4f",
                  meaning="training no longer converges as it should.")


@pytest.fixture
def strict(monkeypatch):
    monkeypatch.setenv(results.STRICT_VAR, "1")


@pytest.fixture
def student(monkeypatch):
    monkeypatch.delenv(results.STRICT_VAR, raising=False)


_PATTERNS = dict(get_sanitize_patterns((Path(__file__).parent / "nbval_sanitize.cfg").read_text()))


def _masked(text: str) -> str:
    """What nbval compares of ``text`` (the sanitize file, read by nbval's own parser)."""
    for regex, replace in _PATTERNS.items():
        text = re.sub(regex, replace, text)
    return text


def test_the_root_conftest_makes_the_unit_tests_strict_too():
    assert results.strict(), "conftest.py sets COURSE_STRICT=1 for pytest and every kernel it starts"


def test_expect_prints_the_same_statement_for_values_inside_the_tolerance(capsys, strict):
    lines = []
    for value in (0.00401, 0.0044, np.float32(0.00479)):
        assert expect(MSE, value) == pytest.approx(value)
        lines.append(capsys.readouterr().out)
    assert lines[0] != lines[1]                       # the student sees the exact value ...
    assert len({_masked(t) for t in lines}) == 1      # ... and nbval compares the rest
    assert lines[1] == "test MSE after 20 epochs ≈ 0.0044 (±0.0004, 0.0040 to 0.0048): measured 0.00440 ✓\n"


@pytest.mark.parametrize("value", [0.00395, 0.00485, float("nan"), float("inf"), -0.0044])
def test_strict_mode_fails_outside_the_tolerance_saying_what_and_why(value, strict):
    with pytest.raises(AssertionError) as info:
        expect(MSE, value)
    message = str(info.value)
    assert "0.0040 to 0.0048" in message and "training no longer converges" in message
    assert MEASURED in message


@pytest.mark.parametrize("value", [0.00395, 0.0049, float("nan")])
def test_student_mode_prints_a_note_and_goes_on(value, student, capsys):
    assert expect(MSE, value) == pytest.approx(value, nan_ok=True)
    out = capsys.readouterr().out
    assert out.startswith("Note: test MSE after 20 epochs: measured")
    assert "0.0040 to 0.0048" in out and "training no longer converges" in out
    assert "changed the experiment" in out and "goes on" in out
    assert "✓" not in out


def test_a_value_that_is_not_a_number_gets_a_clear_message(strict):
    for bad in ["0.1", None, [0.1], "abc", True]:
        with pytest.raises(AssertionError, match="expected a number"):
            expect(MSE, bad)


def test_a_value_that_is_not_a_number_is_a_note_for_a_student(student, capsys):
    assert expect(MSE, None) is None
    assert "expected a number" in capsys.readouterr().out


def test_expect_by_name_uses_the_course_registry(capsys, strict):
    expect("test MSE, all-black image", 0.11402)
    assert capsys.readouterr().out == ("test MSE, all-black image ≈ 0.1140 (±0.0005, 0.1135 to 0.1145): "
                                       "measured 0.11402 ✓\n")
    with pytest.raises(KeyError, match="course_utils/expected.py"):
        expect("a result nobody defined", 1.0)


def test_exact_results(capsys, strict):
    exact = Expectation("parameters", 468368, abs=0, fmt=",d")
    expect(exact, 468368)
    assert capsys.readouterr().out == "parameters = 468,368 ✓\n"
    with pytest.raises(AssertionError):
        expect(exact, 468369)


@pytest.mark.parametrize("kwargs", [{}, {"rel": 0.1, "abs": 0.1}, {"rel": -0.1}, {"abs": float("nan")}])
def test_the_tolerance_must_be_given_once_and_sensibly(kwargs):
    with pytest.raises(ValueError):
        Expectation("x", 1.0, **kwargs)


@pytest.mark.parametrize("expected, kwargs, fmt", [
    (0.0044, {"abs": 0.005}, ".2f"),     # prints ±0.01 beside a tolerance of 0.005
    (39.5, {"rel": 0.01}, ".3g"),        # prints 39.1 to 39.9 for 39.105 to 39.895
    (0.0044, {"rel": 0.10}, ".4f"),      # prints 0.0040 to 0.0048 for 0.00396 to 0.00484
    (3.471, {"abs": 0.1}, ".2f"),        # rounds the expected value itself
    (0.5962, {"abs": 0.01}, ".1%"),      # 59.62% shown as 59.6%
])
def test_a_format_that_rounds_the_value_or_the_range_is_refused(expected, kwargs, fmt):
    with pytest.raises(ValueError, match="exactly"):
        Expectation("x", expected, fmt=fmt, **kwargs)


def test_percent_format_masks_the_measured_percentage(capsys, strict):
    expect(Expectation("saturated first-layer units", 0.596, abs=0.01, fmt=".1%"), 0.5962)
    out = capsys.readouterr().out
    assert "59.6% (±1.0%, 58.6% to 60.6%): measured 59.62% ✓" in out
    assert _masked(out).endswith("measured <value> ✓\n")


def test_claim_prints_the_sentence_when_it_holds(capsys, strict):
    assert claim("the autoencoder beats PCA", np.float32(2.9) < 3.3) is None  # a cell ending with it shows no value
    assert capsys.readouterr().out == "✓ the autoencoder beats PCA\n"


def test_claim_fails_under_the_instructors_command(strict):
    with pytest.raises(AssertionError, match="the autoencoder beats PCA"):
        claim("the autoencoder beats PCA", 3.5 < 3.3)


def test_claim_is_a_note_for_a_student(student, capsys):
    assert claim("the autoencoder beats PCA", np.bool_(False)) is None
    out = capsys.readouterr().out
    assert out.startswith("Note: ") and "the autoencoder beats PCA" in out and "goes on" in out


@pytest.mark.parametrize("not_a_comparison", [1, 0.0, "yes", None, np.array([True, False])])
def test_claim_needs_a_boolean(not_a_comparison, strict):
    with pytest.raises(TypeError, match="boolean"):
        claim("something", not_a_comparison)


def test_record_rows_are_machine_independent_and_checked(strict):
    a, b = Record("03"), Record("03")
    a.add(MSE, 0.00442)
    b.add(MSE, 0.00461)
    assert a.table_rows() == b.table_rows() == ["| 03 | test MSE after 20 epochs | 0.0044 (±0.0004) |"]
    assert repr(a) != repr(b) and _masked(repr(a)) == _masked(repr(b))
    assert "README" in repr(a).splitlines()[0]
    with pytest.raises(AssertionError):
        a.add("test MSE after 5 epochs, Glorot init", 0.02)
    with pytest.raises(ValueError, match="already"):
        a.add(MSE, 0.0044)
    with pytest.raises(ValueError):
        Record("3")


def test_record_in_student_mode_keeps_a_missed_row_and_marks_it(student, capsys):
    r = Record("03")
    r.add(MSE, 0.009)
    assert capsys.readouterr().out.startswith("Note: ")
    assert repr(r).splitlines()[1].endswith("(outside)")


def test_every_registry_entry_prints_exactly_what_it_checks():
    """Each expectation shows its value, tolerance and range without rounding (checked when
    built), and its printed range is the range checked: both ends hold, just outside does not."""
    assert len(EXPECTED) > 50
    for name, e in EXPECTED.items():
        assert name == e.what
        assert e.holds(e.low) and e.holds(e.high) and e.holds(e.expected)
        if e.tolerance:
            step = max(e.tolerance * 1e-3, 1e-6)
            assert not e.holds(e.low - step) and not e.holds(e.high + step)
        assert re.fullmatch(r"[^|]+", name)


def test_a_relative_tolerance_around_a_negative_value(capsys, strict):
    """-2.0 (±10%) runs from -2.2 to -1.8 (a tolerance taken with the value's sign would turn the
    range over and refuse everything)."""
    gap = Expectation("log-likelihood gap, nats", -2.0, rel=0.1, fmt=".2f")
    assert (gap.low, gap.high) == pytest.approx((-2.2, -1.8)) and gap.tolerance == pytest.approx(0.2)
    assert expect(gap, -2.1) == pytest.approx(-2.1)
    assert "-2.00 (±10%, -2.20 to -1.80): measured -2.100 ✓" in capsys.readouterr().out
    for outside in (-2.3, -1.7, 2.0):
        with pytest.raises(AssertionError, match="-2.20 to -1.80"):
            expect(gap, outside)


# From the second mutation audit: strictness is exactly COURSE_STRICT=1, and exact rows carry no
# "measured" suffix (nbval would mask nothing there, and the README row says "(exact)").
@pytest.mark.parametrize("value", ["0", "", "true", "yes"])
def test_only_the_value_1_makes_a_run_strict(monkeypatch, capsys, value):
    monkeypatch.setenv(results.STRICT_VAR, value)
    assert not results.strict()
    expect(MSE, 1.0)  # a miss: a note, not an exception
    assert capsys.readouterr().out.startswith("Note: ")


def test_an_exact_record_row_has_no_measured_suffix(strict):
    r = Record("02")
    r.add("parameters of the 784-256-128 autoencoder", 468_368)
    row = repr(r).splitlines()[1]
    assert row.endswith("(exact) |") and MEASURED not in row, row


def test_a_relative_tolerance_is_stated_with_all_its_digits():
    """A relative tolerance prints as given (2.5%, not a rounded 2% or 3%), and its range is the one checked."""
    e = Expectation("x", 0.5, rel=0.025, fmt=".4f")
    assert e.stated() == "0.5000 (±2.5%)"
    assert e.range_text() == "0.4875 to 0.5125"
    assert e.holds(0.4875) and not e.holds(0.4874)
