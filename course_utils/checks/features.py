"""Exercise checkers of notebook 06: codes as features."""
from __future__ import annotations

import math

import numpy as np

from course_utils.checks.feedback import Feedback, _unanswered


def _integer_indices(answer, n: int) -> tuple[np.ndarray | None, str]:
    """``answer`` as a 1-D array of integer indices into ``n`` rows, or (None, what is wrong)."""
    try:
        idx = np.asarray(answer)
    except Exception:  # noqa: BLE001 - any odd object gets feedback, not a traceback
        return None, f"expected an array of integer indices, got {type(answer).__name__}."
    if idx.ndim != 1 or idx.dtype == bool or not np.issubdtype(idx.dtype, np.integer):
        return None, (f"expected a 1-D array of integer indices, got shape {idx.shape}, dtype {idx.dtype}. "
                      "Hint: np.concatenate the indices you chose for each digit.")
    if len(idx) and (idx.min() < 0 or idx.max() >= n):
        return None, f"indices must lie between 0 and {n - 1}."
    return idx, ""


def check_balanced_subset(answer, labels: np.ndarray, per_class: int = 10) -> Feedback:
    """06, exercise 1: indices of exactly ``per_class`` examples of each digit, drawn at random, no repeats.

    A slice per digit (the first, last or any run of consecutive examples of each digit) is not a
    random draw and fails: for ``per_class`` >= 2 a random draw from thousands of examples is
    practically never consecutive for all ten digits.
    """
    if (fb := _unanswered(answer)) is not None:
        return fb
    labels = np.asarray(labels)
    idx, problem = _integer_indices(answer, len(labels))
    if idx is None:
        return Feedback(False, problem)
    if len(np.unique(idx)) != len(idx):
        return Feedback(False, "some indices repeat. Hint: sample without replacement (replace=False).")
    counts = np.bincount(labels[idx], minlength=10)
    if not (counts == per_class).all():
        return Feedback(False, f"counts per digit are {counts.tolist()}, expected {per_class} each. "
                               "Hint: choose from np.flatnonzero(labels == d) for each digit d.")
    if per_class >= 2:
        consecutive = 0
        for digit in range(10):
            positions = np.sort(np.searchsorted(np.flatnonzero(labels == digit), idx[labels[idx] == digit]))
            consecutive += bool((np.diff(positions) == 1).all())
        if consecutive == 10:
            return Feedback(False, "for every digit you took a run of consecutive examples (such as the "
                                   "first ones): that is not a random draw, and the first images of a "
                                   "data set need not be typical. Hint: rng.choice(..., replace=False).")
    return Feedback(True, f"{len(idx)} indices, {per_class} of each digit, drawn at random.")


def check_best_input(answer, accuracies: dict[str, float]) -> Feedback:
    """The name of the input with the highest accuracy in ``accuracies``."""
    if (fb := _unanswered(answer)) is not None:
        return fb
    best = max(accuracies, key=accuracies.get)
    if isinstance(answer, str) and answer == best:
        return Feedback(True, "that input has the highest accuracy.")
    if not isinstance(answer, str) or answer not in accuracies:
        return Feedback(False, f"{answer!r} is not one of the inputs {sorted(accuracies)}.")
    return Feedback(False, f"{answer!r} reaches {accuracies[answer]:.3f}; another input does better. "
                           "Hint: max(accuracies, key=accuracies.get).")


def _run_model(model, x: np.ndarray, what: str) -> tuple[np.ndarray | None, str]:
    """``model.predict(x)`` as a float array, or (None, feedback text) when the model cannot run on ``x``."""
    if not callable(getattr(model, "predict", None)):
        return None, f"{what} should be a Keras model, got {type(model).__name__}."
    try:
        out = np.asarray(model.predict(x, verbose=0), dtype=np.float64)
    except Exception as exc:  # noqa: BLE001 - a model with the wrong input gets feedback, not a traceback
        return None, (f"{what} could not run on images of shape {x.shape}: {type(exc).__name__}. "
                      "Hint: its input should be keras.Input(shape=(784,)).")
    return out, ""


def check_code_features(encoder, accuracy, x_labelled: np.ndarray, y_labelled: np.ndarray,
                        x_test: np.ndarray, y_test: np.ndarray, code_size: int = 16,
                        min_accuracy: float = 0.75) -> Feedback:
    """06, exercise 2: a trained encoder with a ``code_size``-number code, and the test accuracy of
    :func:`~course_utils.evaluation.logistic_accuracy` on its codes of the labelled images.

    Fails an encoder with another code size, one whose codes separate the digits no better than an
    untrained network's (below ``min_accuracy``), and an accuracy that is not the one its codes give.
    """
    from course_utils.evaluation import logistic_accuracy

    if (fb := _unanswered(encoder)) is not None:
        return fb
    codes, problem = _run_model(encoder, np.asarray(x_labelled), "encoder_16")
    if codes is None:
        return Feedback(False, problem)
    if codes.shape != (len(x_labelled), code_size):
        return Feedback(False, f"the encoder should give {code_size} numbers per image, shape "
                               f"{(len(x_labelled), code_size)}; it gave {codes.shape}. Hint: pass the "
                               "encoder, not the autoencoder, and check the width of the code layer.")
    if not np.isfinite(codes).all():
        return Feedback(False, "the codes contain NaN or infinite values: training diverged.")
    test_codes, problem = _run_model(encoder, np.asarray(x_test), "encoder_16")
    if test_codes is None or test_codes.shape != (len(x_test), code_size) or not np.isfinite(test_codes).all():
        return Feedback(False, problem or "the encoder's codes of the test images have the wrong shape or "
                                          "are not finite.")
    expected = logistic_accuracy(codes, y_labelled, test_codes, y_test).accuracy
    if expected < min_accuracy:
        return Feedback(False, f"a logistic regression on these codes reaches only {expected:.3f}, about "
                               "what an untrained network's codes give. Hint: train the autoencoder "
                               "(autoencoder.fit(x, x, ...)) before taking its encoder.")
    if (fb := _unanswered(accuracy)) is not None:
        return Feedback(False, "the encoder is right; now compute accuracy_16 (replace None).")
    if isinstance(accuracy, tuple) and len(accuracy) == 3:
        return Feedback(False, "accuracy_16 should be one number: take .accuracy of what "
                               "logistic_accuracy returns.")
    try:
        value = float(accuracy)
    except (TypeError, ValueError):
        return Feedback(False, f"accuracy_16 should be a number, got {type(accuracy).__name__}.")
    if not math.isclose(value, expected, abs_tol=0.005):
        return Feedback(False, f"accuracy_16 = {value:.3f} is not what logistic_accuracy gives on this "
                               "encoder's codes of the labelled and the test images. Hint: features = "
                               "encoder_16.predict(...), for the labelled subset and for x_test.")
    return Feedback(True, f"your {code_size}-number codes are features a classifier can use, and "
                          "the accuracy is the one they give.")
