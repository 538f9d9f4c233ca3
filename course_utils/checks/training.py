"""Exercise checkers of notebook 03: training."""
from __future__ import annotations


import numpy as np

from course_utils.checks.building import _model_io
from course_utils.checks.feedback import Feedback, _number, _unanswered


def check_test_errors(answer, model, x_test: np.ndarray) -> Feedback:
    """03, exercise 1: the mean squared error of each test image, computed with NumPy: shape (N,).

    ``evaluate()`` returns one number for the whole set, so its answer (or any single number)
    fails: the exercise asks for the per-image errors that only the NumPy computation gives.
    """
    if (fb := _unanswered(answer)) is not None:
        return fb
    hint = ("reconstruct x_test with model.predict, subtract x_test, square, then np.mean over the "
            "pixels only (axis=1).")
    try:
        values = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return Feedback(False, f"expected an array of numbers, got {type(answer).__name__}. Hint: {hint}")
    if values.ndim == 0:
        return Feedback(False, "you gave a single number; evaluate() gives that too. The exercise asks "
                               f"for one error per test image, shape ({len(x_test)},). Hint: {hint}")
    reconstructions = np.asarray(model.predict(x_test, verbose=0), dtype=np.float64)
    expected = np.mean((reconstructions - x_test) ** 2, axis=1)
    if values.shape != expected.shape:
        return Feedback(False, f"expected shape {expected.shape} (one error per test image), got {values.shape}. "
                               f"Hint: {hint}")
    if np.allclose(values, expected * x_test.shape[1], rtol=1e-3, atol=1e-6):
        return Feedback(False, "these are sums over the pixels; the MSE averages them. Hint: np.mean, not np.sum.")
    if not np.allclose(values, expected, rtol=1e-3, atol=1e-7):
        return Feedback(False, f"{int((~np.isclose(values, expected, rtol=1e-3, atol=1e-7)).sum())} of "
                               f"{len(expected)} errors differ from the squared differences averaged per image. "
                               f"Hint: {hint}")
    return Feedback(True, "one mean squared error per test image; their mean is the test MSE.")


def _dense_units(model) -> list[int]:
    """Units of every Dense layer of a model, nested models included, in order."""
    import keras

    units = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            units += _dense_units(layer)
        elif isinstance(layer, keras.layers.Dense):
            units.append(int(layer.units))
    return units


#: Test MSE a 784-256-32 autoencoder must reach after 2 epochs of Adam(0.01) to count as trained
#: (measured about 0.029; outputting the average digit scores 0.0675, an untrained network about 0.24).
SMALL_CODE_TRAINED_MSE = 0.045


def check_small_code_training(model, answer, x_test: np.ndarray, code_size: int = 32) -> Feedback:
    """03, exercise 2: an autoencoder with a ``code_size`` code, trained (its test MSE is far below
    the average-digit baseline), and its test MSE computed with NumPy as ``answer``."""
    if (fb := _unanswered(model)) is not None:
        return fb
    in_shape, out_shape, _, problem = _model_io(model)
    if problem:
        return Feedback(False, problem)
    if in_shape != (None, 784) or out_shape != (None, 784):
        return Feedback(False, f"the autoencoder should map (None, 784) to (None, 784), got {in_shape} -> {out_shape}.")
    units = _dense_units(model)
    if not units or min(units) != code_size:
        return Feedback(False, f"the narrowest layer should be the {code_size}-number code, found Dense sizes {units}. "
                               f"Hint: build_dense_autoencoder(hidden_sizes=(256, {code_size})).")
    reconstructions = np.asarray(model.predict(x_test, verbose=0), dtype=np.float64)
    mse = float(np.mean((reconstructions - x_test) ** 2))
    if not mse < SMALL_CODE_TRAINED_MSE:
        return Feedback(False, f"the model is not trained yet: its test MSE is above {SMALL_CODE_TRAINED_MSE}. "
                               "Hint: compile with Adam(0.01) and mse, then fit(x_train, x_train, epochs=2, ...).")
    if (fb := _unanswered(answer)) is not None:
        return Feedback(False, "the model is trained; now compute its test MSE with NumPy and assign it.")
    return _number(answer, mse, "The test MSE of your model",
                   "np.mean((model.predict(x_test) - x_test) ** 2), over all pixels and images.", rel_tol=1e-3)
