"""Exercise checkers of notebook 07: autoencoder vs PCA."""
from __future__ import annotations


import numpy as np

from course_utils.checks.features import _run_model
from course_utils.checks.feedback import Feedback, _number, _unanswered


def check_pca_error(answer, pca, x_test: np.ndarray) -> Feedback:
    """07, exercise 1: squared error per test image of a fitted PCA, summed over pixels, averaged over images."""
    if (fb := _unanswered(answer)) is not None:
        return fb
    reconstructed = pca.inverse_transform(pca.transform(x_test))
    expected = float(((x_test - reconstructed) ** 2).sum(axis=1).mean())
    return _number(answer, expected, f"The PCA-{pca.n_components} error per image",
                   "sum the squared differences over axis 1 (pixels), then average over images.", rel_tol=1e-3)


def check_per_pixel_mse(answer, error_per_image: float, pixels: int = 784) -> Feedback:
    """07, exercise 2: a summed-over-pixels error converted to a mean over pixels."""
    return _number(answer, error_per_image / pixels, "The per-pixel MSE",
                   f"an image has {pixels} pixels; the sum over them is {pixels} times the mean.", rel_tol=1e-4)


def _dense_widths(model) -> list[int]:
    """Widths (``units``) of every layer with units inside ``model``, nested models included."""
    widths = []
    for layer in getattr(model, "layers", []) or []:
        if getattr(layer, "layers", None):
            widths += _dense_widths(layer)
        elif isinstance(getattr(layer, "units", None), int):
            widths.append(layer.units)
    return widths


def check_code_size_autoencoder(autoencoder, code_size: int, pca, x_test: np.ndarray) -> Feedback:
    """07, exercise 3: an autoencoder whose narrowest layer has ``code_size`` units, trained so that its
    squared error per test image (on ``x_test``) is below that of ``pca`` (fitted with ``code_size``
    components) on the same images."""
    if (fb := _unanswered(autoencoder)) is not None:
        return fb
    x_test = np.asarray(x_test, dtype=np.float64)
    out, problem = _run_model(autoencoder, x_test, "autoencoder")
    if out is None:
        return Feedback(False, problem)
    if out.shape != x_test.shape:
        return Feedback(False, f"the autoencoder should return images of shape {x_test.shape}, got "
                               f"{out.shape}. Hint: pass the whole autoencoder, not its encoder.")
    widths = _dense_widths(autoencoder)
    if not widths or min(widths) != code_size:
        return Feedback(False, f"the narrowest layer should have {code_size} units (the code); the "
                               f"layers' widths are {widths}.")
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
