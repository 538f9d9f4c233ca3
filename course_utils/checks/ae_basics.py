"""Exercise checkers of notebook 01: what an autoencoder is."""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from course_utils.checks.feedback import Feedback, _number, _unanswered


def check_compression_ratio(answer) -> Feedback:
    """01, exercise 1: how many times smaller is a 32-number code than a 784-pixel image?"""
    if (fb := _unanswered(answer)) is not None:
        return fb
    try:
        value = float(answer)
    except (TypeError, ValueError):
        value = None
    if value is not None and math.isclose(value, 32 / 784, rel_tol=1e-3):
        return Feedback(False, "that is the code's size as a share of the image; the exercise asks how many "
                               "times smaller the code is, a factor above 1.")
    if value is not None and math.isclose(value, 784 - 32, rel_tol=1e-3):
        return Feedback(False, "that is how many numbers fewer the code has; a factor compares the two sizes "
                               "as a ratio.")
    if value is not None and math.isclose(value, 784 / 128, rel_tol=1e-3):
        return Feedback(False, "that is the factor for the lesson's 128-number code; this code has 32 numbers.")
    return _number(answer, 784 / 32, "The compression ratio",
                   "compare the two sizes as a ratio, the image's size over the code's.", rel_tol=1e-3)


def check_prepare_images(fn: Callable | None) -> Feedback:
    """01, exercise 2: ``fn(uint8 images (N, 28, 28)) -> float32 rows (N, 784) in [0, 1]``."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    if not callable(fn):
        return Feedback(False, f"expected a function, got {type(fn).__name__}. Hint: define it with def.")
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    images[0, 0, 0], images[1, 0, 0] = 0, 255
    try:
        out = fn(images.copy())
    except Exception as exc:  # the student's code failed: explain rather than crash
        return Feedback(False, f"your function raised {type(exc).__name__}: {exc}")
    if (fb := _unanswered(out)) is not None:
        return Feedback(False, "Your function returns None: make it return the prepared array.")
    try:
        out = np.asarray(out)
    except Exception:  # noqa: BLE001 - any odd object gets feedback, not a traceback
        return Feedback(False, f"your function should return a NumPy array, got {type(out).__name__}.")
    if out.shape != (3, 784):
        return Feedback(False, f"3 images should give shape (3, 784), got {out.shape}. "
                               "Hint: flatten each 28 x 28 image into one row of 784, keeping the first "
                               "(image) axis.")
    if out.dtype != np.float32:
        return Feedback(False, f"dtype should be float32, got {out.dtype}. Hint: convert the array's type.")
    expected = images.reshape(3, -1) / 255.0
    if np.allclose(out, expected, atol=1e-6):
        return Feedback(True, "images become float32 rows of 784 values in [0, 1].")
    if np.allclose(out, images.reshape(3, -1), atol=1e-3):
        return Feedback(False, "the values still run from 0 to 255: scale them into [0, 1].")
    if np.allclose(out, images.reshape(3, -1) / 256.0, atol=1e-6):
        return Feedback(False, "the values are divided by 256: the brightest pixel, 255, should become exactly 1.")
    if np.allclose(out, expected / 255.0, atol=1e-8):
        return Feedback(False, "the values end up divided by 255 twice: scale once.")
    if np.allclose(out, images.transpose(0, 2, 1).reshape(3, -1) / 255.0, atol=1e-6):
        return Feedback(False, "the pixels come out column by column: flatten each image row by row, "
                               "in the order the array stores it.")
    return Feedback(False, "values should be the pixels divided by 255, in [0, 1], in their original order. "
                           "Hint: try your function on one image and compare it with the image's pixels.")
