"""Exercise checkers of notebook 15: masked autoencoders."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_utils.checks.feedback import Feedback, _precision_tolerance, _unanswered


def reference_patchify(images: np.ndarray, p: int) -> np.ndarray:
    """``(N, 28, 28)`` images cut into non-overlapping ``p`` x ``p`` patches, row by row, each patch
    flattened row by row: shape ``(N, (28 // p) ** 2, p * p)``."""
    images = np.asarray(images)
    n, side = len(images), images.shape[1]
    grid = side // p
    x = images.reshape(n, grid, p, grid, p).transpose(0, 1, 3, 2, 4)
    return x.reshape(n, grid * grid, p * p)


def reference_fill(patches: np.ndarray, mask: np.ndarray, position_means: np.ndarray) -> np.ndarray:
    """``patches`` with each hidden patch (``mask`` true) replaced by the mean patch of its position."""
    patches = np.asarray(patches, dtype=np.float64)
    hidden = np.asarray(mask).astype(bool)[..., None]
    return np.where(hidden, np.asarray(position_means, dtype=np.float64)[None], patches)


def _as_array(value) -> tuple[np.ndarray, float] | None:
    """A float64 NumPy copy of ``value`` (a NumPy array or a backend tensor) and the tolerance its own
    precision allows (:func:`_precision_tolerance`, at least 1e-6), or None."""
    try:
        import keras

        if not isinstance(value, np.ndarray) and hasattr(value, "shape"):
            value = keras.ops.convert_to_numpy(value)
        value = np.asarray(value)
        tolerance = _precision_tolerance(value.dtype, 1e-6)
        array = np.asarray(value, dtype=np.float64)
    except Exception:  # noqa: BLE001 - any odd object gets feedback, not a traceback
        return None
    return (array, tolerance) if array.dtype == np.float64 else None


def _answer(fn: Callable, args: tuple, call: str, what: str) -> tuple[np.ndarray, float] | Feedback:
    """Call the student's ``fn(*args)``: its result as :func:`_as_array` gives it, or the feedback
    for an exception, a ``None`` or a result that is not numbers (``call`` names the call, ``what``
    the result expected)."""
    try:
        got = fn(*args)
    except Exception as exc:  # noqa: BLE001 - a broken answer gets feedback, not a traceback
        return Feedback(False, f"{call} raised {type(exc).__name__}: {exc}")
    if got is None:
        return Feedback(False, f"Your function returns None: make {call} return {what}.")
    converted = _as_array(got)
    if converted is None:
        return Feedback(False, f"{call} should return {what}.")
    return converted


def check_fill_masked(fn: Callable | None) -> Feedback:
    """15, exercise 1: ``fn(patches, mask, position_means)`` returns ``patches`` ``(B, N, P)`` with every
    hidden patch (``mask`` ``(B, N)`` true or 1) replaced by ``position_means[n]`` ``(N, P)``, the mean
    training patch at its position, and every visible patch unchanged."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    if not callable(fn):
        return Feedback(False, "fill_masked should be a function fill_masked(patches, mask, position_means), "
                               f"got {type(fn).__name__}.")
    rng = np.random.default_rng(0)
    for b, n, p in [(3, 16, 49), (5, 49, 16)]:
        patches = rng.random((b, n, p))
        means = rng.random((n, p))
        mask = np.zeros((b, n), dtype=bool)
        for row in mask:
            row[rng.choice(n, size=3 * n // 4, replace=False)] = True
        want = reference_fill(patches, mask, means)
        answer = _answer(fn, (patches.copy(), mask.copy(), means.copy()), "fill_masked",
                         "an array of numbers, one patch per input patch")
        if isinstance(answer, Feedback):
            return answer
        got, tol = answer
        if got.shape != want.shape:
            return Feedback(False, f"for patches of shape {patches.shape} the result should have shape "
                                   f"{want.shape}, got {got.shape}. Hint: keep every patch, visible or hidden.")
        if not np.isfinite(got).all():
            return Feedback(False, "the result holds NaN or infinite values.")
        if np.allclose(got, want, atol=tol):
            continue
        if np.allclose(got, reference_fill(patches, ~mask, means), atol=tol):
            return Feedback(False, "the visible patches were replaced and the hidden ones kept: the mask is "
                                   "true (1) where a patch is hidden.")
        if np.allclose(got, np.broadcast_to(means, want.shape), atol=tol):
            return Feedback(False, "every patch was replaced; keep the visible ones as they are.")
        visible = ~mask
        if not np.allclose(got[visible], patches[visible], atol=tol):
            return Feedback(False, "a visible patch changed; only the hidden patches (mask true) are filled in.")
        if np.allclose(got[mask], np.broadcast_to(means.mean(axis=0), got[mask].shape), atol=tol):
            return Feedback(False, "the hidden patches got one mean patch for all positions; each position has "
                                   "its own mean patch, position_means[n].")
        return Feedback(False, "the hidden patches are not the mean patches of their positions. Hint: "
                               "np.where(mask[..., None], position_means[None], patches).")
    return Feedback(True, "hidden patches filled with the mean patch of their position, visible ones kept.")


def check_patchify(fn: Callable | None) -> Feedback:
    """15, exercise 2: ``fn(images, p)`` cuts ``(B, 28, 28)`` images into ``(28 // p) ** 2`` patches of
    ``p * p`` pixels, in rows of patches from the top left, each patch read row by row, for any ``p``
    that divides 28; NumPy arrays or tensors in, an array or tensor of shape ``(B, (28 // p) ** 2, p * p)``
    out."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    if not callable(fn):
        return Feedback(False, f"patchify should be a function patchify(images, p), got {type(fn).__name__}.")
    images = np.random.default_rng(1).random((3, 28, 28)).astype("float32")
    for p in (4, 7, 14, 2):
        want = reference_patchify(images, p)
        answer = _answer(fn, (images.copy(), p), f"patchify(images, {p})", "an array or tensor of numbers")
        if isinstance(answer, Feedback):
            return answer
        got, tol = answer
        if got.shape != want.shape:
            return Feedback(False, f"patchify(images, {p}) should have shape {want.shape} (one row per patch, "
                                   f"{p * p} pixels each), got {got.shape}.")
        if np.allclose(got, want, atol=tol):
            continue
        plain = images.reshape(3, -1).reshape(want.shape)
        if np.allclose(got, plain, atol=tol):
            return Feedback(False, f"patchify(images, {p}) cut the image into runs of {p * p} pixels in reading "
                                   "order, not into squares. Hint: reshape to (B, grid, p, grid, p) first, "
                                   "then bring the two grid axes together.")
        columns = reference_patchify(images.transpose(0, 2, 1), p)
        if np.allclose(np.sort(got, axis=-1), np.sort(want, axis=-1), atol=tol):
            return Feedback(False, f"patchify(images, {p}) holds the right patches but their pixels are not read "
                                   "row by row. Hint: after the transpose the axes should be (B, grid row, grid "
                                   "column, pixel row, pixel column).")
        if np.allclose(np.sort(got.reshape(3, -1), axis=1), np.sort(want.reshape(3, -1), axis=1), atol=tol):
            if np.allclose(np.sort(got, axis=-1), np.sort(columns, axis=-1), atol=tol):
                return Feedback(False, f"patchify(images, {p}): the patches come column by column (or transposed); "
                                       "the course's order is row by row from the top left.")
            return Feedback(False, f"patchify(images, {p}) has every pixel, but not grouped into the right squares "
                                   "or order. Hint: reshape to (B, grid, p, grid, p), transpose to "
                                   "(0, 1, 3, 2, 4), reshape to (B, grid * grid, p * p).")
        return Feedback(False, f"patchify(images, {p}) returns values that are not the image's pixels.")
    return Feedback(True, "patches of any size, row by row from the top left, each read row by row.")
