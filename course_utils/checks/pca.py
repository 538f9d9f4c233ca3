"""Exercise checkers of notebook 07: autoencoder vs PCA."""
from __future__ import annotations

import math

import numpy as np

from course_utils.checks.features import _run_model
from course_utils.checks.feedback import Feedback, _number, _unanswered


def _close(value: float, target: float, rel: float = 1e-3) -> bool:
    return math.isfinite(target) and math.isclose(value, target, rel_tol=rel)


def _as_number(answer) -> float | None:
    """``answer`` as a finite float, or None (a string, a list, an array of several values, NaN)."""
    if isinstance(answer, (str, bytes, bool)):
        return None
    try:
        value = float(np.asarray(answer, dtype=np.float64).reshape(-1)[0]) if np.size(answer) == 1 else None
    except (TypeError, ValueError):
        return None
    return value if value is not None and math.isfinite(value) else None


def check_pca_error(answer, pca, x_test: np.ndarray) -> Feedback:
    """07, exercise 1: squared error per test image of a fitted PCA, summed over pixels, averaged over images.

    Names the usual slips: the mean over pixels instead of the sum (784 times too small), the sum over
    images instead of pixels (the wrong axis), the root of the error, and an array instead of one number.
    """
    if (fb := _unanswered(answer)) is not None:
        return fb
    x_test = np.asarray(x_test, dtype=np.float64)
    squared = (x_test - pca.inverse_transform(pca.transform(x_test))) ** 2
    expected = float(squared.sum(axis=1).mean())
    what = f"The PCA-{pca.n_components} error per image"
    hint = "sum the squared differences over axis 1 (pixels), then average over images."
    if np.size(answer) > 1 and not isinstance(answer, (str, bytes)):
        return Feedback(False, f"{what} should be one number, got {np.size(answer)} values. "
                               "Hint: after summing over pixels, average over the images.")
    value = _as_number(answer)
    if value is not None:
        if _close(value, float(squared.mean())):
            return Feedback(False, f"{what}: that is the mean over pixels (Keras' MSE). Hint: the paper's "
                                   "measure sums over the 784 pixels of an image, then averages over images.")
        if _close(value, float(squared.sum(axis=0).mean())):
            return Feedback(False, f"{what}: you summed over the images (axis 0). Hint: {hint}")
        if _close(value, math.sqrt(expected)):
            return Feedback(False, f"{what}: that is a square root. Hint: keep the squared differences.")
    return _number(answer if value is None else value, expected, what, hint, rel_tol=1e-3)


def check_per_pixel_mse(answer, error_per_image: float, pixels: int = 784) -> Feedback:
    """07, exercise 2: a summed-over-pixels error converted to a mean over pixels."""
    value = _as_number(answer)
    if value is not None and _close(value, error_per_image * pixels):
        return Feedback(False, f"The per-pixel MSE: {value:g} is too high. Hint: the mean over pixels is "
                               f"smaller than the sum over them; divide, do not multiply.")
    if value is not None and _close(value, error_per_image / 28):
        return Feedback(False, f"The per-pixel MSE: {value:g} is too high. Hint: an image has 28 x 28 pixels, "
                               "not 28.")
    return _number(answer if value is None else value, error_per_image / pixels, "The per-pixel MSE",
                   f"an image has {pixels} pixels; the sum over them is {pixels} times the mean.", rel_tol=1e-4)


def _dense_layers(model) -> list:
    """Every layer with integer ``units`` inside ``model``, nested models included, in order."""
    found = []
    for layer in getattr(model, "layers", []) or []:
        if getattr(layer, "layers", None):
            found += _dense_layers(layer)
        elif isinstance(getattr(layer, "units", None), int):
            found.append(layer)
    return found


def _dense_widths(model) -> list[int]:
    """Widths (``units``) of every layer with units inside ``model``, nested models included."""
    return [layer.units for layer in _dense_layers(model)]


def _activation_name(layer) -> str:
    return getattr(getattr(layer, "activation", None), "__name__", "")


def check_code_size_autoencoder(autoencoder, code_size: int, pca, x_test: np.ndarray) -> Feedback:
    """07, exercise 3: an autoencoder whose narrowest layer has ``code_size`` units, a linear code and a
    sigmoid output, trained so that its squared error per test image (on ``x_test``, pixels in [0, 1])
    is below that of ``pca`` (fitted with ``code_size`` components) on the same images.

    Fails: None, anything that is not a model, an encoder alone, another code size (such as the
    notebook's 30-number models), a ReLU or sigmoid code, an output without sigmoid, test images not
    in [0, 1], and an untrained or under-trained model (its error not below PCA's).
    """
    if (fb := _unanswered(autoencoder)) is not None:
        return fb
    try:
        x_test = np.asarray(x_test, dtype=np.float64)
    except (TypeError, ValueError):
        return Feedback(False, "pass the test images as the last argument, e.g. x_test[:2000].")
    if x_test.ndim != 2 or x_test.shape[1] != 784 or not np.isfinite(x_test).all():
        return Feedback(False, f"the test images should have shape (N, 784), got {x_test.shape}: pass x_test[:2000].")
    if x_test.min() < 0 or x_test.max() > 1 or x_test.max() < 0.5:
        return Feedback(False, "the test images should hold pixels in [0, 1], scaled once: pass x_test[:2000].")
    out, problem = _run_model(autoencoder, x_test, "autoencoder")
    if out is None:
        return Feedback(False, problem)
    if out.shape != x_test.shape:
        return Feedback(False, f"the autoencoder should return images of shape {x_test.shape}, got "
                               f"{out.shape}. Hint: pass the whole autoencoder, not its encoder.")
    dense = _dense_layers(autoencoder)
    widths = [layer.units for layer in dense]
    if not widths or min(widths) != code_size:
        return Feedback(False, f"the narrowest layer should have {code_size} units (the code); the "
                               f"layers' widths are {widths}.")
    code_layer = dense[widths.index(code_size)]
    if _activation_name(code_layer) != "linear":
        return Feedback(False, f"the code layer has the activation {_activation_name(code_layer)!r}; the "
                               "exercise asks for a linear code (a Dense layer without activation).")
    if _activation_name(dense[-1]) != "sigmoid":
        return Feedback(False, "the output layer should end with a sigmoid, so that pixels stay in [0, 1] "
                               "and cross-entropy applies.")
    if not np.isfinite(out).all():
        return Feedback(False, "the reconstructions contain NaN or infinite values: training diverged.")
    ae_error = float(((x_test - out) ** 2).sum(axis=1).mean())
    pca_error = float(((x_test - pca.inverse_transform(pca.transform(x_test))) ** 2).sum(axis=1).mean())
    if ae_error >= pca_error:
        return Feedback(False, f"its error per image is {ae_error:.2f}, PCA's with {code_size} components "
                               f"{pca_error:.2f}. Hint: train it (fit on x_fit for 2 epochs with the "
                               "cross-entropy loss) and check the activations: SiLU hidden layers, a "
                               "linear code, a sigmoid output.")
    return Feedback(True, f"a {code_size}-number code, and it reconstructs the test images better than "
                          f"PCA with {code_size} components.")
