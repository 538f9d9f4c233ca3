"""Exercise checkers of notebook 04: visualizing reconstructions."""
from __future__ import annotations

import math

import numpy as np

from course_utils.checks.building import _model_io
from course_utils.checks.feedback import Feedback, _array, _unanswered


def check_class_median_errors(answer, errors: np.ndarray, labels: np.ndarray) -> Feedback:
    """04, exercise 1: median reconstruction error of each digit, an array of 10 values."""
    expected = np.array([np.median(errors[labels == d]) for d in range(10)])
    return _array(answer, expected, "Median error per digit",
                  "for each digit d, take np.median(errors[labels == d]); keep them in order 0..9.")


def check_worst_of_digit(answer, errors: np.ndarray, labels: np.ndarray, digit: int) -> Feedback:
    """04, exercise 2: index (into the test set) of the worst-reconstructed image of ``digit``.

    The success message names neither the index nor its error: both differ between machines."""
    if (fb := _unanswered(answer)) is not None:
        return fb
    hint = "np.argmax over errors of that digit gives a position in the subset; map it back with the subset's indices."
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, np.integer, float, np.floating)):
        return Feedback(False, f"the answer should be one index (an integer), got {type(answer).__name__}. Hint: {hint}")
    if not (math.isfinite(float(answer)) and float(answer) == int(answer)):
        return Feedback(False, f"the answer should be a whole-number index, got {answer!r}. Hint: {hint}")
    index = int(answer)
    if not 0 <= index < len(labels):
        return Feedback(False, f"index {index} is outside the test set (0 to {len(labels) - 1}). Hint: {hint}")
    idx = np.flatnonzero(labels == digit)
    expected = int(idx[np.argmax(errors[idx])])
    if index == expected:
        return Feedback(True, f"That is the worst-reconstructed {digit} of the test set.")
    if labels[index] != digit:
        return Feedback(False, f"image {index} is a {labels[index]}, not a {digit}. Hint: {hint}")
    return Feedback(False, f"image {index} is a {digit}, but not the worst one. Hint: {hint}")


def check_error_model(model, autoencoder, x: np.ndarray) -> Feedback:
    """04, exercise 3: a Keras model that maps images ``(None, 784)`` to one number per image, the
    mean squared reconstruction error of ``autoencoder`` (what ``mse_per_image`` computes)."""
    if (fb := _unanswered(model)) is not None:
        return fb
    hint = ("start from images = keras.Input(shape=(784,)), reconstruct with autoencoder(images), then "
            "keras.ops.mean(keras.ops.square(images - reconstruction), axis=-1).")
    in_shape, out_shape, _, problem = _model_io(model)
    if problem:
        return Feedback(False, problem)
    if in_shape != (None, 784):
        return Feedback(False, f"the model should take images of shape (None, 784), got {in_shape}. Hint: {hint}")
    x = np.asarray(x[:500], dtype="float32")
    try:
        scores = np.asarray(model.predict(x, verbose=0), dtype=np.float64)
        reference = np.asarray(autoencoder.predict(x, verbose=0), dtype=np.float64)
    except Exception as exc:  # noqa: BLE001 - a broken model gets feedback, not a traceback
        return Feedback(False, f"running the model on test images failed ({type(exc).__name__}). Hint: {hint}")
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if scores.shape != (len(x),):
        return Feedback(False, f"the model should give one number per image, shape (None,), but gives "
                               f"{(None,) + scores.shape[1:]}: average over the pixels (axis=-1). Hint: {hint}")
    expected = ((reference - x) ** 2).mean(axis=1)
    if np.allclose(scores, expected, rtol=1e-3, atol=1e-7):
        return Feedback(True, "One reconstruction error per image, the same as mse_per_image: "
                              "this model is an anomaly scorer.")
    if np.allclose(scores, expected * x.shape[1], rtol=1e-3, atol=1e-7):
        return Feedback(False, "these are summed squared errors; the course's error is the mean over the 784 pixels. "
                               f"Hint: {hint}")
    if np.allclose(scores, np.abs(reference - x).mean(axis=1), rtol=1e-3, atol=1e-7):
        return Feedback(False, f"these are absolute errors; square the differences instead. Hint: {hint}")
    return Feedback(False, "the numbers differ from the trained autoencoder's reconstruction errors "
                           f"(use the trained `autoencoder`, not a new one). Hint: {hint}")
