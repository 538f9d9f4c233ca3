"""Exercise checkers of notebook 13: sparse autoencoders."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_utils.checks.feedback import Feedback, _unanswered


def batch_top_k(pre, k: int) -> np.ndarray:
    """BatchTopK (reference for exercise 1 of 13), in NumPy: over the whole batch of ``n`` rows keep
    the ``n * k`` largest entries of ``pre`` that are positive, zero the rest."""
    pre = np.asarray(pre, dtype=np.float64)
    threshold = np.sort(pre.ravel())[-pre.shape[0] * k]
    return np.where(pre >= threshold, np.maximum(pre, 0.0), 0.0)


def _row_top_k(pre: np.ndarray, k: int) -> np.ndarray:
    threshold = np.sort(pre, axis=1)[:, -k][:, None]
    return np.where(pre >= threshold, np.maximum(pre, 0.0), 0.0)


def _inputs() -> list[tuple[np.ndarray, int]]:
    rng = np.random.default_rng(13)
    spread = rng.normal(size=(64, 256)) * rng.uniform(0.2, 3.0, size=(64, 1))  # rows of different scales
    mostly_negative = rng.normal(size=(16, 32)) - 2.0  # fewer than n * k positive entries
    return [(spread.astype("float32"), 4), (mostly_negative.astype("float32"), 8)]


def check_batch_top_k(fn: Callable | None) -> Feedback:
    """13, exercise 1: ``fn(pre, k)`` keeps the batch's ``batch * k`` largest positive pre-activations."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    if not callable(fn):
        return Feedback(False, f"expected a function of (pre, k), got {type(fn).__name__}.")
    import keras

    hint = ("flatten pre (ops.reshape(pre, (-1,))), take the value of the (batch * k)-th largest with "
            "ops.top_k, keep the entries at or above it, and apply ops.relu.")
    for pre, k in _inputs():
        try:
            out = fn(keras.ops.convert_to_tensor(pre), k)
        except Exception as exc:  # noqa: BLE001 - a broken answer gets feedback, not a traceback
            return Feedback(False, f"your function raised {type(exc).__name__} on a {pre.shape} tensor. Hint: {hint}")
        if out is None:
            return _unanswered(None)
        try:
            out = np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float64)
        except Exception:  # noqa: BLE001
            return Feedback(False, f"return a tensor of numbers with the shape of pre, {pre.shape}; got "
                                   f"{type(out).__name__}.")
        expected = batch_top_k(pre, k)
        if out.shape != pre.shape:
            return Feedback(False, f"the result should have the shape of pre, {pre.shape}, got {out.shape}. "
                                   "Hint: return the sparse latents, not the kept values; reshape back.")
        if np.allclose(out, expected, atol=1e-6):
            continue
        if np.allclose(out, _row_top_k(pre, k), atol=1e-6):
            return Feedback(False, "this keeps k latents in every row: that is plain top-k. BatchTopK keeps "
                                   "batch * k over the whole batch, so rows may keep more or fewer.")
        if (out < 0).any():
            return Feedback(False, "some latents are negative: latents must not be negative. Add ops.relu.")
        kept, wanted = int(np.sum(out != 0)), int(np.sum(expected != 0))
        return Feedback(False, f"{kept} latents are active where BatchTopK keeps {wanted} (or other values). Hint: {hint}")
    return Feedback(True, "batch * k latents over the whole batch, none negative: BatchTopK.")


def sparsity_stats(z) -> tuple[float, float]:
    """(L0, dead share) of a latent matrix (images x latents): reference for exercise 2 of 13."""
    active = np.asarray(z) > 0
    return float(active.sum(axis=1).mean()), float(np.mean(~active.any(axis=0)))


def _latents() -> np.ndarray:
    rng = np.random.default_rng(31)
    z = np.maximum(rng.normal(size=(300, 64)) - 1.0, 0.0)
    z[:, rng.choice(64, size=10, replace=False)] = 0.0  # ten dead latents
    return z.astype("float32")


def check_sparsity_stats(fn: Callable | None) -> Feedback:
    """13, exercise 2: ``fn(z)`` returns (L0, dead share) of a latent matrix."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    if not callable(fn):
        return Feedback(False, f"expected a function of z, got {type(fn).__name__}.")
    z = _latents()
    try:
        answer = fn(z.copy())
    except Exception as exc:  # noqa: BLE001
        return Feedback(False, f"your function raised {type(exc).__name__} on a {z.shape} matrix of latents.")
    if answer is None:
        return _unanswered(None)
    try:
        l0, dead = (float(v) for v in answer)
    except Exception:  # noqa: BLE001 - any answer that is not two numbers gets feedback, not a traceback
        return Feedback(False, "return two numbers, l0 and dead_share (e.g. `return l0, dead_share`).")
    want_l0, want_dead = sparsity_stats(z)
    n_images, n_latents = z.shape
    if np.isclose(l0, want_dead) and np.isclose(dead, want_l0):
        return Feedback(False, "the two numbers are swapped: return l0 first, then the dead share.")
    if not np.isclose(l0, want_l0, rtol=1e-4):
        if np.isclose(l0, want_l0 / n_latents, rtol=1e-4):
            return Feedback(False, "L0 is a count of active latents per image, not a share: do not divide by "
                                   "the number of latents.")
        if np.isclose(l0, want_l0 * n_images / n_latents, rtol=1e-4):
            return Feedback(False, "that is the mean number of images per latent: count along axis=1 (per image).")
        if np.isclose(l0, want_l0 * n_images, rtol=1e-4):
            return Feedback(False, "that is the total over all images: take the mean per image.")
        return Feedback(False, f"L0 is {l0:g}, not the mean number of active (> 0) latents per image.")
    if not np.isclose(dead, want_dead, rtol=1e-4):
        if np.isclose(dead, want_dead * n_latents):
            return Feedback(False, "the dead latents are counted, not shared: divide by the number of latents.")
        return Feedback(False, f"the dead share is {dead:g}: a latent is dead when it is active on no image "
                               "(a column with no value > 0).")
    return Feedback(True, "L0 per image and the dead share over latents, both right.")
