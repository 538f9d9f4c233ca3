"""Measured results stated against expected values with tolerances.

Trained numbers differ in their last digits between CPUs, instruction sets and thread
counts. A notebook therefore never *compares* a raw trained number; it states each result
against the value the course expects, with a tolerance measured across CPU configurations
and seeds, and fails loudly outside it::

    expect("test MSE after 20 epochs", mse, 0.0044, rel=0.10)
    # prints: test MSE after 20 epochs ≈ 0.0044 (±10%, 0.0040 to 0.0048): measured 0.00443 ✓

Everything before ``measured`` is the same on every machine; the measured value itself is
exact and shown to the student. The notebook tests (nbval) mask only the digits that follow
the word ``measured`` (``tests/nbval_sanitize.cfg``): those digits are bounded by the
assertion instead, so a result outside its range stops the notebook with an
``AssertionError`` that says what was measured, the expected range and what it means.

Each notebook ends its measurements with a :class:`Record` of its headline results; the
README's Results table repeats those rows exactly (``tests/test_readme.py`` checks).
"""
from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field

import numpy as np

#: The word that introduces a machine-specific value; the nbval sanitizer masks what follows.
MEASURED = "measured"


@dataclass(frozen=True)
class Expectation:
    """One result: the expected value and how far a correct run may land from it.

    Attributes:
        what: what was measured, with its unit, e.g. ``"test MSE after 20 epochs"``.
        expected: the value the course expects.
        rel: relative tolerance (0.10 = ±10%), or None.
        abs: absolute tolerance, or None. Exactly one of ``rel``/``abs`` is given;
            ``abs=0`` means an exact result (a parameter count).
        fmt: format spec for the expected value and the range, e.g. ``".4f"``, ``",d"``, ``".1%"``.
        meaning: what a value outside the range would mean, said in the error.
    """

    what: str
    expected: float
    rel: float | None = None
    abs: float | None = None
    fmt: str = ".4g"
    meaning: str = ""

    def __post_init__(self):
        if (self.rel is None) == (self.abs is None):
            raise ValueError(f"{self.what!r}: give exactly one of rel= or abs= as the tolerance")
        tol = self.rel if self.rel is not None else self.abs
        if not isinstance(tol, (int, float)) or not math.isfinite(tol) or tol < 0:
            raise ValueError(f"{self.what!r}: the tolerance must be a finite number >= 0, got {tol!r}")
        if not isinstance(self.expected, (int, float)) or not math.isfinite(self.expected):
            raise ValueError(f"{self.what!r}: the expected value must be a finite number, got {self.expected!r}")
        try:
            format(self.expected, self.fmt)
        except ValueError as exc:
            raise ValueError(f"{self.what!r}: format {self.fmt!r} does not fit {self.expected!r}") from exc
        if "|" in self.what:
            raise ValueError(f"{self.what!r}: '|' is reserved for the results table")

    @property
    def tolerance(self) -> float:
        """Half-width of the accepted range, in the value's own units."""
        return abs(self.expected) * self.rel if self.rel is not None else float(self.abs)

    @property
    def low(self) -> float:
        return self.expected - self.tolerance

    @property
    def high(self) -> float:
        return self.expected + self.tolerance

    def _f(self, value: float) -> str:
        if self.fmt.endswith("d"):
            value = int(round(value))
        return format(value, self.fmt)

    def stated(self) -> str:
        """The expected value and its tolerance as one machine-independent phrase,
        e.g. ``"0.0044 (±10%)"``, ``"0.787 (±0.015)"`` or ``"468,368 (exact)"``."""
        if self.tolerance == 0:
            return f"{self._f(self.expected)} (exact)"
        if self.rel is not None:
            return f"{self._f(self.expected)} (±{self.rel * 100:g}%)"
        return f"{self._f(self.expected)} (±{self._f(self.abs)})"

    def range_text(self) -> str:
        return f"{self._f(self.low)} to {self._f(self.high)}"

    def measured_text(self, value: float) -> str:
        """``value`` with one digit more than the expected value shows (the student sees it exactly)."""
        spec = re.fullmatch(r"([^.]*)\.(\d+)([a-z%])", self.fmt)
        if spec:
            prefix, digits, kind = spec.groups()
            return format(value, f"{prefix}.{int(digits) + 1}{kind}")
        return self._f(value)

    def holds(self, value: float) -> bool:
        """True when ``value`` is a finite number inside ``[low, high]`` (rounding slack included)."""
        slack = 1e-9 * max(1.0, abs(self.expected))
        return math.isfinite(value) and self.low - slack <= value <= self.high + slack

    def check(self, value) -> float:
        """Return ``value`` as a float, or raise AssertionError saying what is wrong and what it means."""
        if isinstance(value, (str, bytes, bool)) or not isinstance(value, (numbers.Real, np.generic)):
            raise AssertionError(f"{self.what}: expected a number, got {value!r}")
        number = float(value)
        if not self.holds(number):
            raise AssertionError(
                f"{self.what}: {MEASURED} {number!r}, outside the expected range "
                f"{self.range_text()} ({self.stated()}). "
                + (self.meaning or "The notebook or its libraries changed what this result means; "
                   "look at what changed before re-saving the outputs.")
            )
        return number

    def line(self, value: float) -> str:
        """The one-line statement printed for a result that holds."""
        if self.tolerance == 0:
            return f"{self.what} = {self._f(self.expected)} ✓"
        return (f"{self.what} ≈ {self._f(self.expected)} "
                f"({self.stated().split('(', 1)[1][:-1]}, {self.range_text()}): "
                f"{MEASURED} {self.measured_text(value)} ✓")


def expect(what: str, value, expected: float, *, rel: float | None = None, abs: float | None = None,
           fmt: str = ".4g", meaning: str = "") -> float:
    """Check ``value`` against ``expected`` within a tolerance and print one line about it.

    Args:
        what: what was measured, with its unit.
        value: the measured number (a Python or NumPy scalar).
        expected: the value the course expects on any ordinary CPU.
        rel / abs: the tolerance, relative (0.10 = ±10%) or absolute; exactly one.
        fmt: format spec of the expected value (the measured one gets one digit more).
        meaning: what a value outside the range would mean, for the error message.

    Returns:
        ``value`` as a float, so the call can sit inside an expression.

    Raises:
        AssertionError: ``value`` is not a finite number inside the range.
    """
    e = Expectation(what, expected, rel=rel, abs=abs, fmt=fmt, meaning=meaning)
    number = e.check(value)
    print(e.line(number))
    return number


@dataclass
class Record:
    """The headline results of one notebook, each checked against its expectation.

    Shown as the rows of the README's Results table (``| 03 | what | expected (tolerance) |``)
    followed by the measured value, which is exact and masked in the notebook tests.

    Example::

        record = Record("03")
        record.add("test MSE after 20 epochs, Glorot init", mse_20, 0.0044, rel=0.10, fmt=".4f")
        record   # the last line of a cell displays the table
    """

    notebook: str
    rows: list[tuple[Expectation, float]] = field(default_factory=list)

    def __post_init__(self):
        if not re.fullmatch(r"\d\d", str(self.notebook)):
            raise ValueError(f"notebook must be two digits like '03', got {self.notebook!r}")

    def add(self, what: str, value, expected: float, *, rel: float | None = None,
            abs: float | None = None, fmt: str = ".4g", meaning: str = "") -> float:
        """Check one result (as :func:`expect` does) and keep it for the table; returns it as a float."""
        e = Expectation(what, expected, rel=rel, abs=abs, fmt=fmt, meaning=meaning)
        if any(r.what == what for r, _ in self.rows):
            raise ValueError(f"{what!r} is already in the record")
        number = e.check(value)
        self.rows.append((e, number))
        return number

    def table_rows(self) -> list[str]:
        """The README rows, machine-independent: ``| 03 | what | 0.0044 (±10%) |``."""
        return [f"| {self.notebook} | {e.what} | {e.stated()} |" for e, _ in self.rows]

    def __repr__(self) -> str:
        lines = [f"Results of notebook {self.notebook} (README's Results table lists these rows):"]
        for row, (e, value) in zip(self.table_rows(), self.rows):
            suffix = "" if e.tolerance == 0 else f"  {MEASURED} {e.measured_text(value)}"
            lines.append(row + suffix)
        return "\n".join(lines)
