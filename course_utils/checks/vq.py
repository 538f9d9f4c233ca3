"""Exercise checkers of notebook 14: vector-quantised autoencoders."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_utils.checks.feedback import Feedback, _precision_tolerance, _unanswered


def _to_numpy(value) -> np.ndarray | None:
    """``value`` as a NumPy array (a Keras/TensorFlow tensor converted), or None if it is not numeric."""
    if value is None:
        return None
    try:
        import keras

        array = np.asarray(keras.ops.convert_to_numpy(value))
    except Exception:  # noqa: BLE001 - not a tensor: try NumPy directly
        try:
            array = np.asarray(value)
        except Exception:  # noqa: BLE001
            return None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        return None
    return array


def _perplexity(counts: np.ndarray) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(np.exp(-np.sum(p * np.log(p))))


def check_perplexity(fn: Callable | None) -> Feedback:
    """14, exercise 1: ``fn(counts)`` returns the perplexity of a codebook's usage, ``exp(entropy)`` of
    the shares ``counts / counts.sum()``, with unused codes (count 0) contributing nothing."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    if not callable(fn):
        return Feedback(False, f"perplexity should be a function, got {type(fn).__name__}.")
    cases = {
        "every one of 64 codes used equally often": np.full(64, 10),
        "only one code used": np.array([0, 0, 500, 0, 0, 0, 0, 0]),
        "two codes used, one three times as often as the other": np.array([300, 0, 100, 0]),
        "uneven usage with some dead codes": np.array([50, 0, 3, 120, 0, 7, 7, 1, 0, 12]),
    }
    for what, counts in cases.items():
        try:
            value = fn(counts.copy())
        except Exception as exc:  # noqa: BLE001 - any error in student code becomes feedback
            return Feedback(False, f"for counts with {what}, your function raised {type(exc).__name__}: {exc}. "
                                   "Hint: leave out the codes with count 0 before taking logarithms.")
        if value is None:
            return Feedback(False, "Your function returns None: make it return the perplexity, one number.")
        array = _to_numpy(value)
        if array is None or array.size != 1:
            return Feedback(False, f"your function should return one number, got {type(value).__name__}.")
        got = float(array.reshape(-1)[0])
        want = _perplexity(counts)
        rtol = _precision_tolerance(array.dtype, 1e-4)  # a float16 answer is held to its own precision
        if not np.isfinite(got):
            return Feedback(False, f"for counts with {what} your function returned {got}: a code with count 0 "
                                   "gives 0 * log(0); leave those codes out (they contribute nothing).")
        if not np.isclose(got, want, rtol=rtol):
            hint = ("that looks like the entropy itself: the perplexity is exp(entropy)."
                    if np.isclose(got, np.log(want), rtol=1e-3) or np.isclose(got, np.log2(want), rtol=1e-3)
                    else "turn the counts into shares that sum to 1 first, then exp(-sum(p * log p)).")
            return Feedback(False, f"for counts with {what} the perplexity is {want:.3f}, yours {got:.3f}: {hint}")
    return Feedback(True, "your perplexity is 64 for 64 equally used codes, 1 for a single code, and right "
                          "for uneven usage with dead codes.")


def _reference_nearest(z: np.ndarray, codebook: np.ndarray) -> np.ndarray:
    flat = z.reshape(-1, z.shape[-1]).astype("float64")
    d = ((flat[:, None, :] - codebook[None].astype("float64")) ** 2).sum(-1)
    return d.argmin(axis=1).reshape(z.shape[:-1])


def check_nearest_codes(fn: Callable | None) -> Feedback:
    """14, exercise 2: ``fn(z, codebook)`` returns, for every vector along the last axis of ``z``
    (shape ``(..., D)``), the index of the nearest row of ``codebook`` (shape ``(K, D)``) in Euclidean
    distance, with the shape of ``z`` less its last axis."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    if not callable(fn):
        return Feedback(False, f"nearest_codes should be a function, got {type(fn).__name__}.")
    rng = np.random.default_rng(0)
    # code vectors of very different lengths: a dot product alone picks the longest, not the nearest
    codebook = (rng.normal(size=(12, 4)) * rng.uniform(0.2, 3.0, size=(12, 1))).astype("float32")
    z = rng.normal(size=(5, 7, 7, 4)).astype("float32")
    want = _reference_nearest(z, codebook)
    try:
        got = fn(z.copy(), codebook.copy())
    except Exception as exc:  # noqa: BLE001 - any error in student code becomes feedback
        return Feedback(False, f"your function raised {type(exc).__name__}: {exc}")
    if got is None:
        return Feedback(False, "Your function returns None: make it return the index of the nearest code "
                               "of every vector.")
    got = _to_numpy(got)
    if got is None:
        return Feedback(False, "your function should return an array of code indices.")
    if got.shape != want.shape:
        hint = (" Reshape the indices back to the grid: ops.reshape(indices, ops.shape(z)[:-1])."
                if got.size == want.size else "")
        return Feedback(False, f"for z of shape {z.shape} the indices should have shape {want.shape} (one per "
                               f"grid cell), got {got.shape}.{hint}")
    if not np.issubdtype(got.dtype, np.integer):
        if np.allclose(got, np.round(got)) and got.min() >= 0 and got.max() < len(codebook):
            got = np.round(got).astype("int64")
        else:
            return Feedback(False, "return the index of the nearest code (argmin over the codes), not the "
                                   "distances or the code vectors.")
    share = float(np.mean(got == want))
    if share < 1.0:
        flat = z.reshape(-1, 4).astype("float64")
        far = ((flat[:, None, :] - codebook[None]) ** 2).sum(-1).argmax(1).reshape(want.shape)
        dots = (flat @ codebook.T).argmax(1).reshape(want.shape)
        if np.mean(got == dots) > 0.99:
            hint = ("you picked the code with the largest dot product z . e; the nearest code minimises "
                    "|z|^2 - 2 z . e + |e|^2, and |e|^2 differs from code to code.")
        elif np.mean(got == far) > 0.9 or share < 0.2:
            hint = "the nearest code has the smallest distance: use argmin, not argmax, over the codes."
        else:
            hint = "compute the squared distance from every vector to every code, then take argmin over the codes."
        right = int(np.sum(got == want))
        return Feedback(False, f"{right} of your {want.size} indices name the nearest code: {hint}")
    return Feedback(True, "every vector gets the index of its nearest code, in the grid's shape.")
