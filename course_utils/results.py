"""Measured results stated against expected values with tolerances, and claims the prose makes.

Trained numbers differ in their last digits between CPUs, instruction sets and thread
counts. A notebook therefore never *compares* a raw trained number; it states each result
against the value the course expects, with a tolerance measured across CPU configurations
and seeds (:mod:`course_utils.expected` defines each quantity once)::

    expect("ae_128_error", ae_error)
    # prints: squared error per test image, ... ≈ 3.47 (±0.28, 3.19 to 3.75): measured 3.471 ✓

Everything before ``measured`` is the same on every machine; the measured value itself is
exact and shown to the student. The notebook tests (nbval) mask only the digits that follow
the word ``measured`` (``tests/nbval_sanitize.cfg``): those digits are bounded by the check.

A sentence that the prose relies on is stated with :func:`claim`::

    claim("the autoencoder beats PCA-128 by more than 10%", ae_error < 0.9 * pca_error)
    # prints: ✓ the autoencoder beats PCA-128 by more than 10%

**Two modes.** In a student's kernel a result outside its range, or a claim that does not hold,
prints a friendly note (what was measured, the range the course measured, what it may mean,
and that a changed experiment is expected to move it) and the notebook goes on. Under the
instructors' command ``pytest --nbval notebooks/`` (the root ``conftest.py`` sets
``COURSE_STRICT=1`` before any kernel starts) and in CI, the same call raises an
``AssertionError`` that fails the cell.

Each notebook ends with a :class:`Record` of its headline results, in a cell for instructors;
the README's Results table repeats those rows exactly (``tests/test_readme.py`` checks).
"""
from __future__ import annotations

import math
import numbers
import os
import re
from dataclasses import dataclass, field

import numpy as np

#: The word that introduces a machine-specific value; the nbval sanitizer masks what follows.
MEASURED = "measured"
#: Set to "1" by the root conftest.py (the instructors' command) and so in CI: misses raise.
STRICT_VAR = "COURSE_STRICT"
#: What a student reads when a result or claim misses, after the specific sentence.
STUDENT_ADVICE = ("If you changed the experiment (a seed, the epochs, a size), a different value is "
                  "expected and this note is part of what you found. If you changed nothing, compare "
                  "your code with the notebook's. The notebook goes on.")


def strict() -> bool:
    """True under the instructors' command and in CI (``COURSE_STRICT=1``): a miss raises.
    False in a student's kernel: a miss prints a note and the notebook goes on."""
    return os.environ.get(STRICT_VAR, "") == "1"


def _miss(message: str) -> None:
    """Raise ``message`` under the instructors' command, print it as a note for a student."""
    if strict():
        raise AssertionError(message)
    print(f"Note: {message} {STUDENT_ADVICE}")


def _parse(text: str) -> float:
    """The number a formatted value shows: ``"1,234"`` -> 1234, ``"59.6%"`` -> 0.596."""
    text = text.replace(",", "")
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


@dataclass(frozen=True)
class Expectation:
    """One result: the expected value and how far a correct run may land from it.

    Attributes:
        what: what was measured, with its unit, e.g. ``"test MSE after 20 epochs, Glorot init"``;
            also the result's name in :mod:`course_utils.expected`.
        expected: the value the course expects.
        rel: relative tolerance (0.10 = ±10%), or None.
        abs: absolute tolerance, or None. Exactly one of ``rel``/``abs`` is given;
            ``abs=0`` means an exact result (a parameter count).
        fmt: format spec for the expected value and the range, e.g. ``".4f"``, ``",d"``, ``".1%"``.
            It must show the expected value, the tolerance and both ends of the range without
            rounding them, so that the printed range is the range checked.
        meaning: what a value outside the range would mean, said in the message.
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
        shown = [("expected value", self.expected), ("low end", self.low), ("high end", self.high)]
        if self.abs is not None:
            shown.append(("tolerance", float(self.abs)))
        for name, number in shown:
            text = self._f(number)
            if not math.isclose(_parse(text), number, rel_tol=1e-9, abs_tol=1e-12):
                raise ValueError(f"{self.what!r}: format {self.fmt!r} prints the {name} {number!r} as {text!r}; "
                                 "choose a format (or a tolerance) that shows it exactly")

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

    def problem(self, value) -> str | None:
        """None when ``value`` holds; otherwise what is wrong with it and what that means."""
        if isinstance(value, (str, bytes, bool)) or not isinstance(value, (numbers.Real, np.generic)):
            return f"{self.what}: expected a number, got {value!r}."
        number = float(value)
        if self.holds(number):
            return None
        return (f"{self.what}: {MEASURED} {self.measured_text(number)}, outside the range the course measured "
                f"({self.range_text()}, that is {self.stated()}). Possible cause: "
                + (self.meaning or "something changed what this result means."))

    def check(self, value) -> float | None:
        """``value`` as a float when it holds. Otherwise raise AssertionError under the instructors'
        command, or print a note for a student and return the value (None if not a number)."""
        message = self.problem(value)
        if message is not None:
            _miss(message)
            return _as_float(value)
        return float(value)

    def line(self, value: float) -> str:
        """The one-line statement printed for a result that holds."""
        if self.tolerance == 0:
            return f"{self.what} = {self._f(self.expected)} ✓"
        return (f"{self.what} ≈ {self._f(self.expected)} "
                f"({self.stated().split('(', 1)[1][:-1]}, {self.range_text()}): "
                f"{MEASURED} {self.measured_text(value)} ✓")


def _as_float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _expectation(what: str | Expectation) -> Expectation:
    if isinstance(what, Expectation):
        return what
    from course_utils.expected import lookup  # the registry imports this module

    return lookup(what)


def expect(what: str | Expectation, value) -> float | None:
    """State ``value`` against the course's expectation named ``what`` and print one line about it.

    Args:
        what: the result's name in :mod:`course_utils.expected` (what was measured, with its
            unit), or an :class:`Expectation`.
        value: the measured number (a Python or NumPy scalar).

    Returns:
        ``value`` as a float, so the call can sit inside an expression.

    Raises:
        AssertionError: under the instructors' command only, when ``value`` is not a finite number
            inside the range; a student's kernel prints a note instead and goes on.
        KeyError: no expectation has that name.
    """
    e = _expectation(what)
    message = e.problem(value)
    if message is None:
        print(e.line(float(value)))
        return float(value)
    _miss(message)
    return _as_float(value)


def claim(statement: str, holds) -> None:
    """State a sentence the lesson relies on, with the comparison that makes it true.

    Prints ``✓ statement`` when ``holds`` is true. When it is false, raises AssertionError under
    the instructors' command, or prints a note for a student and goes on. Returns nothing, so a
    cell that ends with a claim shows only the printed line.

    Args:
        statement: the sentence, in the words of the lesson (machine-independent: no raw numbers).
        holds: the comparison, a Python or NumPy boolean.
    """
    if not isinstance(holds, (bool, np.bool_)):
        raise TypeError(f"claim({statement!r}, ...) needs a boolean comparison, got {type(holds).__name__}")
    if holds:
        print(f"✓ {statement}")
    else:
        _miss(f"this claim of the lesson did not hold in your run: {statement}.")


@dataclass
class Record:
    """The headline results of one notebook, each checked against its expectation.

    Shown in a cell for instructors at the end of each notebook, as the rows of the README's
    Results table (``| 03 | what | expected (tolerance) |``) followed by the measured value, which
    is exact and masked in the notebook tests.

    Example::

        record = Record("03")
        record.add("test MSE after 20 epochs, Glorot init", mse_20)
        record   # the last line of a cell displays the table
    """

    notebook: str
    rows: list[tuple[Expectation, float | None]] = field(default_factory=list)

    def __post_init__(self):
        if not re.fullmatch(r"\d\d", str(self.notebook)):
            raise ValueError(f"notebook must be two digits like '03', got {self.notebook!r}")

    def add(self, what: str | Expectation, value) -> float | None:
        """Check one result (as :func:`expect` does) and keep it for the table; returns it as a float."""
        e = _expectation(what)
        if any(r.what == e.what for r, _ in self.rows):
            raise ValueError(f"{e.what!r} is already in the record")
        number = e.check(value)
        self.rows.append((e, number))
        return number

    def table_rows(self) -> list[str]:
        """The README rows, machine-independent: ``| 03 | what | 0.0044 (±0.0004) |``."""
        return [f"| {self.notebook} | {e.what} | {e.stated()} |" for e, _ in self.rows]

    def __repr__(self) -> str:
        lines = [f"Results of notebook {self.notebook}, as the README's Results table lists them:"]
        for row, (e, value) in zip(self.table_rows(), self.rows):
            if e.tolerance == 0 or value is None:
                suffix = ""
            else:
                suffix = f"  {MEASURED} {e.measured_text(value)}" + ("" if e.holds(value) else "  (outside)")
            lines.append(row + suffix)
        return "\n".join(lines)
