"""course_utils.results: tolerance statements that read the same on every CPU."""
import re

import numpy as np
import pytest

from course_utils.results import MEASURED, Expectation, Record, expect

SANITIZE = re.compile(r"\bmeasured -?[0-9][0-9,]*(\.[0-9]+)?(e[-+]?[0-9]+)?%?")


def _masked(text: str) -> str:
    return SANITIZE.sub("measured <value>", text)


def test_expect_prints_the_same_statement_for_values_inside_the_tolerance(capsys):
    lines = []
    for value in (0.00401, 0.0044, np.float32(0.00478)):
        assert expect("test MSE after 20 epochs", value, 0.0044, rel=0.10, fmt=".4f") == pytest.approx(value)
        lines.append(capsys.readouterr().out)
    assert lines[0] != lines[1]                       # the student sees the exact value ...
    assert len({_masked(t) for t in lines}) == 1      # ... and nbval compares the rest
    assert lines[1] == "test MSE after 20 epochs ≈ 0.0044 (±10%, 0.0040 to 0.0048): measured 0.00440 ✓\n"


@pytest.mark.parametrize("value", [0.0039, 0.0049, float("nan"), float("inf"), -0.0044])
def test_expect_fails_outside_the_tolerance_saying_what_and_why(value):
    with pytest.raises(AssertionError) as info:
        expect("test MSE after 20 epochs", value, 0.0044, rel=0.10, fmt=".4f",
               meaning="training no longer converges as it should")
    message = str(info.value)
    assert "0.0040 to 0.0048" in message and "training no longer converges" in message
    assert MEASURED in message


def test_absolute_and_exact_tolerances(capsys):
    expect("5-NN accuracy", 0.781, 0.787, abs=0.015, fmt=".3f")
    assert "0.787 (±0.015, 0.772 to 0.802)" in capsys.readouterr().out
    expect("parameters", 468368, 468368, abs=0, fmt=",d")
    assert capsys.readouterr().out == "parameters = 468,368 ✓\n"
    with pytest.raises(AssertionError):
        expect("parameters", 468369, 468368, abs=0, fmt=",d")


@pytest.mark.parametrize("bad", ["0.1", None, [0.1], "abc"])
def test_a_value_that_is_not_a_number_gets_a_clear_error(bad):
    with pytest.raises(AssertionError, match="expected a number"):
        expect("test MSE", bad, 0.0044, rel=0.1)


@pytest.mark.parametrize("kwargs", [{}, {"rel": 0.1, "abs": 0.1}, {"rel": -0.1}, {"abs": float("nan")}])
def test_the_tolerance_must_be_given_once_and_sensibly(kwargs):
    with pytest.raises(ValueError):
        Expectation("x", 1.0, **kwargs)


def test_percent_format_masks_the_measured_percentage(capsys):
    expect("saturated first-layer units", 0.5962, 0.596, abs=0.01, fmt=".1%")
    out = capsys.readouterr().out
    assert "59.6% (±1.0%, 58.6% to 60.6%): measured 59.62% ✓" in out
    assert _masked(out).endswith("measured <value> ✓\n")


def test_record_rows_are_machine_independent_and_checked():
    a, b = Record("03"), Record("03")
    a.add("test MSE after 20 epochs, Glorot init", 0.00442, 0.0044, rel=0.1, fmt=".4f")
    b.add("test MSE after 20 epochs, Glorot init", 0.00461, 0.0044, rel=0.1, fmt=".4f")
    assert a.table_rows() == b.table_rows() == ["| 03 | test MSE after 20 epochs, Glorot init | 0.0044 (±10%) |"]
    assert repr(a) != repr(b) and _masked(repr(a)) == _masked(repr(b))
    with pytest.raises(AssertionError):
        a.add("test MSE after 5 epochs", 0.02, 0.0093, rel=0.1)
    with pytest.raises(ValueError, match="already"):
        a.add("test MSE after 20 epochs, Glorot init", 0.0044, 0.0044, rel=0.1)
    with pytest.raises(ValueError):
        Record("3")
