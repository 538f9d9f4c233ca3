"""Exercise checkers of notebook 01: what an autoencoder is."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_utils.checks.feedback import Feedback, _number, _unanswered


def check_compression_ratio(answer) -> Feedback:
    """01, exercise 1: how many times smaller is a 32-number code than a 784-pixel image?"""
    return _number(answer, 784 / 32, "The compression ratio",
                   "divide the number of input numbers by the number of code numbers.", rel_tol=1e-3)


def check_prepare_images(fn: Callable | None) -> Feedback:
    """01, exercise 2: ``fn(uint8 images (N, 28, 28)) -> float32 rows (N, 784) in [0, 1]``."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    if not callable(fn):
        return Feedback(False, f"expected a function, got {type(fn).__name__}. Hint: def prepare_images(images): ...")
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    images[0, 0, 0], images[1, 0, 0] = 0, 255
    try:
        out = fn(images)
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
                               "Hint: images.reshape(len(images), -1) flattens each image.")
    if out.dtype != np.float32:
        return Feedback(False, f"dtype should be float32, got {out.dtype}. Hint: .astype('float32').")
    if not np.allclose(out, images.reshape(3, -1) / 255.0, atol=1e-6):
        return Feedback(False, "values should be the pixels divided by 255, in [0, 1]. "
                               f"Yours span {out.min():.3g}..{out.max():.3g}.")
    return Feedback(True, "images become float32 rows of 784 values in [0, 1].")
