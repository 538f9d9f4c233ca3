"""Exercise checkers of notebook 11: the latent-space explorer."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_utils.checks.feedback import Feedback, _unanswered
from course_utils.checks.vae import _as_float_array


def _circle(center: np.ndarray, radius: float, n: int) -> np.ndarray:
    angles = 2 * np.pi * np.arange(n) / n
    return center + radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def check_circle(fn: Callable | None) -> Feedback:
    """11, exercise 1: ``fn(center, radius, n)`` returns ``n`` codes ``(n, 2)`` evenly spaced on the circle
    of ``radius`` around ``center``: the first at ``center + (radius, 0)``, then counter-clockwise
    (the angle grows by ``2 pi / n`` per step), the start not repeated at the end."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    if not callable(fn):
        return Feedback(False, f"circle should be a function circle(center, radius, n), got {type(fn).__name__}.")
    cases = [(np.array([0.0, 0.0]), 1.0, 4),
             (np.array([1.5, -0.5]), 2.0, 12),
             (np.array([-2.0, 1.0]), 0.5, 7)]
    for center, radius, n in cases:
        call = f"circle({center.tolist()}, {radius}, {n})"
        try:
            got = fn(center.copy(), radius, n)
        except Exception as exc:  # noqa: BLE001 - a broken answer gets feedback, not a traceback
            return Feedback(False, f"{call} raised {type(exc).__name__}: {exc}")
        if got is None:
            return _unanswered(None)
        got = _as_float_array(got)
        if got is None:
            return Feedback(False, "circle should return an array of numbers (NumPy's cos and sin of the angles).")
        if got.shape != (n, 2):
            if got.shape == (2, n):
                hint = " One row per point: stack the x and y columns along axis 1."
            elif got.shape == (n + 1, 2):
                hint = " The start appears twice: on a closed circle, n points cut it into n equal arcs."
            else:
                hint = ""
            return Feedback(False, f"{call} should have shape ({n}, 2), got {got.shape}.{hint}")
        if not np.isfinite(got).all():
            return Feedback(False, f"{call} holds NaN or infinite values.")
        want = _circle(center, radius, n)
        if np.allclose(got, want, atol=1e-5):
            continue
        distance = np.linalg.norm(got - center, axis=1)
        if not np.allclose(distance, radius, atol=1e-5):
            if np.allclose(np.linalg.norm(got, axis=1), radius, atol=1e-5):
                return Feedback(False, f"{call}: the points circle (0, 0), not the centre. Hint: add center.")
            return Feedback(False, f"{call}: every point should lie at distance radius from center "
                                   "(the radius scales the cosine and the sine).")
        closed = center + radius * np.stack([np.cos(a := np.linspace(0, 2 * np.pi, n)), np.sin(a)], axis=1)
        if np.allclose(got, closed, atol=1e-5):
            return Feedback(False, "the last point repeats the first, so the steps are uneven around the start. "
                                   "Hint: n points cut the circle into n equal arcs of 2 pi / n each.")
        degrees = 360.0 * np.arange(n) / n
        if np.allclose(got, center + radius * np.stack([np.cos(degrees), np.sin(degrees)], axis=1), atol=1e-5):
            return Feedback(False, "the angles are in degrees, but NumPy's cos and sin take radians.")
        if np.allclose(got, want[np.r_[0, n - 1:0:-1]], atol=1e-5):
            return Feedback(False, "the walk runs clockwise: the angle should grow from one point to the next.")
        if not np.allclose(got[0], want[0], atol=1e-5):
            return Feedback(False, f"{call}: the first point should sit at angle 0, center + (radius, 0).")
        return Feedback(False, f"{call}: the points lie on the circle but not evenly spaced. Hint: the angle "
                               "grows by the same step from each point to the next.")
    return Feedback(True, "n codes evenly spaced around the centre, counter-clockwise from angle 0.")


def check_path_model(model, decoder, z_a, z_b) -> Feedback:
    """11, exercise 2: a Keras model mapping ``t`` of shape ``(batch, 1)`` to the image ``(batch, 784)``
    that ``decoder`` draws at ``(1 - t) * z_a + t * z_b``."""
    import keras

    if (fb := _unanswered(model)) is not None:
        return fb
    if not isinstance(model, keras.Model):
        return Feedback(False, f"path_model should be a keras.Model, got {type(model).__name__}. "
                               "Hint: t = keras.Input(shape=(1,)); ...; keras.Model(t, images).")
    z_a, z_b = _as_float_array(z_a), _as_float_array(z_b)
    if z_a is None or z_b is None or z_a.shape != (2,) or z_b.shape != (2,):
        return Feedback(False, "pass the two codes of shape (2,) as the last two arguments, e.g. vae_test[a], vae_test[b].")
    t = np.array([[0.0], [0.3], [0.7], [1.0]], dtype="float32")
    try:
        got = model.predict(t, verbose=0)
    except Exception as exc:  # noqa: BLE001
        return Feedback(False, f"the model could not take t of shape (4, 1): {type(exc).__name__}. "
                               "Hint: its input is keras.Input(shape=(1,)), one number per row.")
    got = _as_float_array(got[0] if isinstance(got, (list, tuple)) and len(got) == 1 else got)
    if got is None:
        return Feedback(False, "the model should output one array of images.")
    if got.shape != (4, 784):
        return Feedback(False, f"for 4 values of t the model should output images of shape (4, 784), "
                               f"got {got.shape}. Hint: feed the codes to the decoder.")
    want = np.asarray(decoder.predict(((1 - t) * z_a + t * z_b).astype("float32"), verbose=0), dtype=np.float64)
    if np.allclose(got, want[::-1], atol=1e-4) and not np.allclose(want[0], want[-1], atol=1e-4):
        return Feedback(False, "the path runs backwards: t = 0 should decode z_a and t = 1 z_b.")
    if not np.allclose(got, want, atol=1e-4):
        return Feedback(False, "the images differ from the decoder's at (1 - t) * z_a + t * z_b. Hint: compute "
                               "the code with keras.ops from t, z_a and z_b, then call the decoder on it.")
    return Feedback(True, "your model decodes the straight path: t = 0 gives z_a's digit, t = 1 z_b's.")
