"""Exercise checkers of notebook 04: visualizing reconstructions."""
from __future__ import annotations

import math

import numpy as np

from course_utils.checks.building import _model_io
from course_utils.checks.feedback import Feedback, _array, _unanswered


def check_class_median_errors(answer, errors: np.ndarray, labels: np.ndarray) -> Feedback:
    """04, exercise 1: median reconstruction error of each digit, an array of 10 values in digit order."""
    if (fb := _unanswered(answer)) is not None:
        return fb
    expected = np.array([np.median(errors[labels == d]) for d in range(10)])
    try:
        values = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        values = None
    if values is not None and values.shape == expected.shape:
        means = np.array([errors[labels == d].mean() for d in range(10)])
        if np.allclose(values, means, rtol=1e-4, atol=1e-9) and not np.allclose(values, expected, rtol=1e-4, atol=1e-9):
            return Feedback(False, "these are the mean errors of the digits; the exercise asks for their medians.")
        if np.allclose(values, np.sort(expected), rtol=1e-4, atol=1e-9) and not np.allclose(
                values, expected, rtol=1e-4, atol=1e-9):
            return Feedback(False, "these are the medians, but sorted; keep them in digit order, digit 0 first.")
        if np.array_equal(np.sort(values), np.arange(10.0)):
            return Feedback(False, "these look like digits (a ranking), not errors: give each digit's median error.")
    return _array(answer, expected, "Median error per digit",
                  "select the errors of the images labelled with one digit, take their median, and repeat "
                  "for the digits 0 to 9 in order.", atol=1e-9)


def check_worst_of_digit(answer, errors: np.ndarray, labels: np.ndarray, digit: int) -> Feedback:
    """04, exercise 2: index (into the test set) of the worst-reconstructed image of ``digit``.

    The success message names neither the index nor its error: both differ between machines."""
    if (fb := _unanswered(answer)) is not None:
        return fb
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, np.integer, float, np.floating)):
        return Feedback(False, f"the answer should be one index (an integer), got {type(answer).__name__}. "
                               "Hint: convert the position you found with int().")
    if not (math.isfinite(float(answer)) and float(answer) == int(answer)):
        return Feedback(False, f"the answer should be a whole-number index, got {answer!r}. "
                               "Hint: an index counts images, not errors.")
    index = int(answer)
    if not 0 <= index < len(labels):
        return Feedback(False, f"index {index} is outside the test set (0 to {len(labels) - 1}).")
    idx = np.flatnonzero(labels == digit)
    expected = int(idx[np.argmax(errors[idx])])
    if index == expected:
        return Feedback(True, f"That is the worst-reconstructed {digit} of the test set.")
    if index < len(idx) and int(idx[index]) == expected:
        return Feedback(False, f"that is the worst {digit}'s position among the {digit}s only, not its index in "
                               "x_test. Hint: map the position back through the indices of those images.")
    if labels[index] != digit:
        return Feedback(False, f"image {index} is a {labels[index]}, not a {digit}. "
                               f"Hint: look only at the errors of the test images labelled {digit}.")
    if index == int(idx[np.argmin(errors[idx])]):
        return Feedback(False, f"image {index} is the best-reconstructed {digit}; the exercise asks for the worst.")
    return Feedback(False, f"image {index} is a {digit}, but not the worst one. "
                           "Hint: the worst has the largest error among them.")


def check_error_model(model, autoencoder, x: np.ndarray) -> Feedback:
    """04, exercise 3: a Keras model that maps images ``(None, 784)`` to one number per image, the
    mean squared reconstruction error of ``autoencoder`` (what ``mse_per_image`` computes).
    Each wrong answer gets a hint for its next step, never the model's code."""
    if (fb := _unanswered(model)) is not None:
        return fb
    in_shape, out_shape, _, problem = _model_io(model)
    if problem:
        return Feedback(False, problem)
    if in_shape != (None, 784):
        return Feedback(False, f"the model should take images of shape (None, 784), got {in_shape}. "
                               "Hint: start from a keras.Input of 784 pixels.")
    x = np.asarray(x[:500], dtype="float32")
    try:
        scores = np.asarray(model.predict(x, verbose=0), dtype=np.float64)
        reference = np.asarray(autoencoder.predict(x, verbose=0), dtype=np.float64)
    except Exception as exc:  # noqa: BLE001 - a broken model gets feedback, not a traceback
        return Feedback(False, f"running the model on test images failed ({type(exc).__name__}). "
                               "Hint: call the trained autoencoder on the Input like a layer, then compute "
                               "the error with keras.ops.")
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if scores.shape == reference.shape and np.allclose(scores, reference, rtol=1e-3, atol=1e-6):
        return Feedback(False, "this model returns the reconstructions themselves (784 numbers per image). "
                               "Hint: compare them with the input images inside the model, and reduce each "
                               "image's squared differences to one number.")
    if scores.shape != (len(x),):
        return Feedback(False, f"the model should give one number per image, shape (None,), but gives "
                               f"{(None,) + scores.shape[1:]}. Hint: average over the pixels, the last axis.")
    expected = ((reference - x) ** 2).mean(axis=1)

    def close(v):
        return np.allclose(scores, v, rtol=1e-3, atol=1e-7)

    if close(expected):
        return Feedback(True, "One reconstruction error per image, the same as mse_per_image: "
                              "this model is an anomaly scorer.")
    if close(expected * x.shape[1]):
        return Feedback(False, "these are summed squared errors; the course's error is the mean over the 784 pixels.")
    if close(np.abs(reference - x).mean(axis=1)):
        return Feedback(False, "these are absolute errors; square the differences instead.")
    if close(np.sqrt(expected)):
        return Feedback(False, "these are square roots of the error; leave out the root.")
    return Feedback(False, "the numbers differ from the trained autoencoder's reconstruction errors. "
                           "Hint: call the trained `autoencoder` itself inside the scorer, not a new one, "
                           "and feed it the images as they are, in [0, 1].")
