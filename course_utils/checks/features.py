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


def _is_strided(sorted_values: np.ndarray) -> bool:
    """True for three or more values with equal steps (an arithmetic progression): a slice or a
    strided pick such as ``indices[::k][:n]``, which a random draw practically never gives."""
    steps = np.diff(sorted_values)
    return len(sorted_values) >= 3 and bool((steps == steps[0]).all())


def seeded_draw(labels: np.ndarray, per_class: int, seed: int, replace: bool = False) -> np.ndarray:
    """The draw exercise 1 specifies: one ``np.random.default_rng(seed)``, then for each digit 0 to 9
    in turn ``per_class`` indices chosen from that digit's indices (without replacement by default)."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(labels == d), size=per_class, replace=replace)
                           for d in range(10)])


def _seeded_draws(labels: np.ndarray, per_class: int, seed: int) -> list[np.ndarray]:
    """The ways of drawing without replacement from ``default_rng(seed)`` that the exercise accepts:
    ``rng.choice(..., replace=False)`` and ``rng.permutation(...)[:per_class]``, digits in order."""
    rng = np.random.default_rng(seed)
    permuted = np.concatenate([rng.permutation(np.flatnonzero(labels == d))[:per_class] for d in range(10)])
    return [seeded_draw(labels, per_class, seed), permuted]


def check_balanced_subset(answer, labels: np.ndarray, per_class: int = 10, seed: int | None = None) -> Feedback:
    """06, exercise 1: indices of exactly ``per_class`` distinct examples of each digit, drawn at random.

    Rejected, each with its own message: repeated indices; wrong counts per digit; a slice or a
    strided pick for a digit (indices, or positions among that digit's examples, in equal steps:
    the first, last or every k-th examples), for ``per_class`` >= 3 (for 2, only consecutive
    pairs for every digit). With ``seed`` the exercise specifies the draw (one
    ``np.random.default_rng(seed)``, digits 0 to 9 in turn, without replacement; any order of the
    indices): a draw *with* replacement that happens to repeat nothing is then told apart and
    rejected, as is any other draw.
    """
    if (fb := _unanswered(answer)) is not None:
        return fb
    labels = np.asarray(labels)
    idx, problem = _integer_indices(answer, len(labels))
    if idx is None:
        return Feedback(False, problem)
    if len(np.unique(idx)) != len(idx):
        return Feedback(False, "some indices repeat: the same image is in the subset twice. Hint: draw "
                               "without replacement, so that no index can be chosen twice.")
    counts = np.bincount(labels[idx], minlength=10)
    if not (counts == per_class).all():
        return Feedback(False, f"counts per digit are {counts.tolist()}, expected {per_class} each. "
                               "Hint: draw from the indices of one digit at a time.")
    strided, consecutive = [], 0
    for digit in range(10):
        chosen = np.sort(idx[labels[idx] == digit])
        positions = np.searchsorted(np.flatnonzero(labels == digit), chosen)
        consecutive += bool((np.diff(positions) == 1).all())
        if per_class >= 3 and (_is_strided(chosen) or _is_strided(positions)):
            strided.append(digit)
    if per_class >= 2 and (consecutive == 10 or (per_class >= 3 and consecutive > 0)):
        return Feedback(False, "for some digits you took a run of consecutive examples (such as the "
                               "first ones): that is not a random draw, and the first images of a "
                               "data set need not be typical. Hint: let a random generator choose.")
    if strided:
        return Feedback(False, f"for digit(s) {strided} the indices you took are evenly spaced (every k-th "
                               "example): a strided pick is not a random draw. Hint: let a random "
                               "generator choose the indices.")
    if seed is not None:
        if any(np.array_equal(np.sort(idx), np.sort(draw)) for draw in _seeded_draws(labels, per_class, seed)):
            return Feedback(True, f"{len(idx)} distinct indices, {per_class} of each digit, the random "
                                  "draw the exercise asks for.")
        if np.array_equal(np.sort(idx), np.sort(seeded_draw(labels, per_class, seed, replace=True))):
            return Feedback(False, "this is drawn WITH replacement (the default of rng.choice): nothing "
                                   "repeats this time by luck, but the same image could have been picked "
                                   "twice. Hint: ask rng.choice not to replace.")
        return Feedback(False, f"{per_class} distinct indices of each digit, but not the draw the exercise "
                               f"specifies. Hint: create np.random.default_rng({seed}) once, before the "
                               "loop, and draw the digits in order, 0 to 9, without replacement.")
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


#: Test accuracy (1,000 labels) that the codes of exercise 2's trained 784-256-16 encoder (ReLU, linear
#: code, trained as the 32-number model) must give: an untrained encoder's codes give about 0.53, one
#: trained for one short epoch about 0.67, the trained one about 0.88 (measured on real MNIST; the first
#: two in tests/test_checks_latent_features.py, which checks that they fall short).
CODE_FEATURES_MIN_ACCURACY = 0.75


def check_code_features(encoder, accuracy, x_labelled: np.ndarray, y_labelled: np.ndarray,
                        x_test: np.ndarray, y_test: np.ndarray, code_size: int = 16,
                        hidden_sizes: tuple[int, ...] = (256,), activation: str = "relu",
                        code_activation: str = "linear",
                        min_accuracy: float = CODE_FEATURES_MIN_ACCURACY) -> Feedback:
    """06, exercise 2: a trained encoder with Dense layers ``hidden_sizes`` (``activation``) and a
    ``code_size``-number code (``code_activation``): the 32-number model's architecture with another
    code size; and the test accuracy of :func:`~course_utils.evaluation.logistic_accuracy` on its codes.

    Fails an encoder with another code size (such as the notebook's own 32- or 128-number encoders),
    other widths or activations (such as the lesson's sigmoid everywhere), one whose codes separate the
    digits no better than an untrained or under-trained network's (below ``min_accuracy``), and an
    accuracy that is not the one its codes give.
    """
    from course_utils.checks.building import _dense_activations
    from course_utils.checks.training import _dense_units
    from course_utils.evaluation import logistic_accuracy

    if (fb := _unanswered(encoder)) is not None:
        return fb
    widths = [*hidden_sizes, code_size]
    expected_acts = [activation] * len(hidden_sizes) + [code_activation]
    try:
        import keras

        units = _dense_units(encoder) if isinstance(encoder, keras.Model) else None
        acts = _dense_activations(encoder) if units is not None else None
    except Exception:  # noqa: BLE001 - an odd model gets feedback, not a traceback
        units = acts = None
    if units is not None and len(units) > len(widths) and units[:len(widths)] == widths:
        return Feedback(False, "this is the whole autoencoder (its output is an image); pass its encoder, "
                               "the part that ends at the code.")
    if units is not None and units and units[-1] != code_size:
        return Feedback(False, f"the encoder's code has {units[-1]} numbers; this exercise asks for a new "
                               f"encoder with a {code_size}-number code. Hint: pass the encoder of the "
                               "autoencoder you built and trained here, not one of the notebook's.")
    if units is not None and units != widths:
        return Feedback(False, f"the encoder's Dense layers should be {widths} units (as the 32-number "
                               f"model's, with a {code_size}-number code), found {units}. Hint: pass the "
                               "encoder, not the autoencoder, and change only the code size.")
    if acts is not None and acts != expected_acts:
        return Feedback(False, f"the encoder's layers should use {expected_acts} (as the 32-number model's "
                               f"do: {activation} hidden units, a {code_activation} code); found {acts}. "
                               "Hint: copy the 32-number model's recipe and change only the code size.")
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
        return Feedback(False, f"a logistic regression on these codes reaches only {expected:.3f}, below "
                               f"{min_accuracy}: about what an untrained or barely trained network's codes "
                               "give. Hint: train the autoencoder as the 32-number model was trained (same "
                               "loss, optimizer, learning rate, epochs, batch size and seed) before taking its encoder.")
    if (fb := _unanswered(accuracy)) is not None:
        return Feedback(False, "the encoder is right; now compute accuracy_16 (replace None).")
    if isinstance(accuracy, tuple) and len(accuracy) == 3:
        return Feedback(False, "accuracy_16 should be one number: take .accuracy of what "
                               "logistic_accuracy returns.")
    try:
        if isinstance(accuracy, (str, bytes, bool)):
            raise TypeError
        value = float(accuracy)
    except (TypeError, ValueError):
        return Feedback(False, f"accuracy_16 should be a number, got {type(accuracy).__name__}.")
    if not math.isfinite(value):
        return Feedback(False, f"accuracy_16 should be a finite number, got {value}.")
    if not math.isclose(value, expected, abs_tol=0.005):
        return Feedback(False, f"accuracy_16 = {value:.3f} is not what logistic_accuracy gives on this "
                               "encoder's codes of the labelled and the test images. Hint: encode the "
                               "labelled images and the test images with encoder_16, then score those codes.")
    return Feedback(True, f"your {code_size}-number codes are features a classifier can use, and "
                          "the accuracy is the one they give.")
