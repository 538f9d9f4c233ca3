"""The verdict a checker returns, and the comparisons every checker shares."""
from __future__ import annotations

import math

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feedback:
    """The verdict of a checker: ``passed`` and a message for the student."""

    passed: bool
    message: str

    def __repr__(self) -> str:
        return ("Correct! " if self.passed else "Not yet. ") + self.message

    def __bool__(self) -> bool:
        return self.passed


def _unanswered(answer) -> Feedback | None:
    if answer is None:
        return Feedback(False, "Replace None with your answer, then run the cell again.")
    return None


def _precision_tolerance(dtype, floor: float) -> float:
    """The tolerance a right answer of ``dtype`` can be held to: ``floor``, or twice the machine
    epsilon of a coarser float (float16 keeps about 3 digits: 2 * 9.8e-4)."""
    if np.issubdtype(np.dtype(dtype), np.floating):
        return max(floor, 2 * float(np.finfo(dtype).eps))
    return floor


def _number(answer, expected: float, what: str, hint: str, rel_tol: float = 1e-6,
            abs_tol: float = 0.0) -> Feedback:
    """Compare a numeric answer with the expected value."""
    if (fb := _unanswered(answer)) is not None:
        return fb
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, f"{what} should be a number, got {type(answer).__name__}. Hint: {hint}")
    if not math.isfinite(value):
        return Feedback(False, f"{what} should be a finite number, got {value}. Hint: {hint}")
    if math.isclose(value, expected, rel_tol=rel_tol, abs_tol=abs_tol):
        return Feedback(True, f"{what} is right.")
    direction = "too high" if value > expected else "too low"
    return Feedback(False, f"{what}: {value:g} is {direction}. Hint: {hint}")


def _array(answer, expected: np.ndarray, what: str, hint: str, atol: float = 1e-5) -> Feedback:
    """Compare an array answer with the expected array: shape first, then values."""
    if (fb := _unanswered(answer)) is not None:
        return fb
    try:
        answer = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return Feedback(False, f"{what} should be an array of numbers, got {type(answer).__name__}. Hint: {hint}")
    if answer.shape != expected.shape:
        return Feedback(False, f"{what} should have shape {expected.shape}, got {answer.shape}. Hint: {hint}")
    bad = ~np.isclose(answer, expected, atol=atol, rtol=1e-4)
    if bad.any():
        i = tuple(int(v) for v in np.argwhere(bad)[0])
        return Feedback(False, f"{what}: {bad.sum()} of {bad.size} values differ, first at index {i} "
                               f"({answer[i]:.4g}, expected {expected[i]:.4g}). Hint: {hint}")
    return Feedback(True, f"{what} matches (shape {expected.shape}).")
