"""Exercise checkers of notebook 03: training."""
from __future__ import annotations


import numpy as np

from course_utils.checks.building import _model_io
from course_utils.checks.pca import _activation_name, _dense_layers
from course_utils.checks.feedback import Feedback, _number, _unanswered


def _predict(model, x: np.ndarray) -> np.ndarray | None:
    """``model.predict(x)`` as float64, or None when the model cannot run on ``x``."""
    try:
        return np.asarray(model.predict(x, verbose=0), dtype=np.float64)
    except Exception:  # noqa: BLE001 - an odd model gets feedback, not a traceback
        return None


def check_test_errors(answer, model, x_test: np.ndarray) -> Feedback:
    """03, exercise 1: the mean squared error of each test image, computed with NumPy: shape (N,).

    ``evaluate()`` returns one number for the whole set, so its answer (or any single number)
    fails: the exercise asks for the per-image errors that only the NumPy computation gives.
    Each wrong answer gets a hint for its next step, never the whole computation.
    """
    if (fb := _unanswered(answer)) is not None:
        return fb
    n, n_pixels = x_test.shape
    try:
        values = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return Feedback(False, f"expected an array of numbers, got {type(answer).__name__}. "
                               "Hint: start from the reconstructions that model.predict gives for x_test.")
    if values.ndim == 0:
        return Feedback(False, "you gave a single number; evaluate() gives that too. The exercise asks "
                               f"for one error per test image, shape ({n},). Hint: average over the pixels "
                               "only, so that the image axis remains.")
    if values.shape == (n_pixels,) and n != n_pixels:
        return Feedback(False, f"you have {n_pixels} values, one per pixel: you averaged over the images. "
                               "Hint: average over the other axis.")
    if values.shape != (n,):
        return Feedback(False, f"expected shape ({n},), one error per test image, got {values.shape}. "
                               "Hint: average each image's squared differences over its pixels.")
    reconstructions = _predict(model, x_test)
    if reconstructions is None or reconstructions.shape != x_test.shape:
        return Feedback(False, "the model given to the checker cannot reconstruct x_test: pass the trained "
                               "autoencoder and x_test, as the cell does.")
    diff = reconstructions - x_test
    expected = np.mean(diff ** 2, axis=1)

    def close(v):
        return np.allclose(values, v, rtol=1e-3, atol=1e-7)

    if close(expected):
        return Feedback(True, "one mean squared error per test image; their mean is the test MSE.")
    if n == n_pixels and close(np.mean(diff ** 2, axis=0)):
        return Feedback(False, "these are the means over the images, one per pixel: you averaged over the "
                               "images. Hint: average over the other axis.")
    if close(expected * n_pixels):
        return Feedback(False, "these are sums over the pixels; the MSE averages them.")
    if close(np.mean(np.abs(diff), axis=1)):
        return Feedback(False, "these are mean absolute differences; square the differences before averaging.")
    if close(np.sqrt(expected)):
        return Feedback(False, "these are square roots of the per-image MSE; leave out the root.")
    wrong = int((~np.isclose(values, expected, rtol=1e-3, atol=1e-7)).sum())
    return Feedback(False, f"{wrong} of {n} errors differ from the trained model's. Hint: check one image "
                           "first: compare its reconstruction with the same image of x_test (scaled to [0, 1], "
                           "as the model saw it).")


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


#: Test MSE a 784-256-32 autoencoder must reach after 5 epochs of Adam(0.01) in batches of 256 to
#: count as trained as the exercise asks. Measured on the full test set: 0.0138 after 5 epochs
#: (0.0166 after 4), while 3 epochs give 0.0204, 2 epochs 0.0288 and 1 epoch 0.0479; outputting the
#: average digit scores 0.0675 and an untrained network about 0.24.
SMALL_CODE_TRAINED_MSE = 0.019
#: Above this test MSE a model has learned nothing useful yet (the average digit scores 0.0675).
_UNTRAINED_MSE = 0.06


def check_small_code_training(model, answer, x_test: np.ndarray, code_size: int = 32) -> Feedback:
    """03, exercise 2: a new autoencoder with a ``code_size`` code, trained for the 5 epochs of the
    128-number model (its test MSE below :data:`SMALL_CODE_TRAINED_MSE`), and its test MSE computed
    with NumPy as ``answer``."""
    if (fb := _unanswered(model)) is not None:
        return fb
    in_shape, out_shape, _, problem = _model_io(model)
    if problem:
        return Feedback(False, problem)
    if in_shape != (None, 784) or out_shape != (None, 784):
        return Feedback(False, f"the autoencoder should map (None, 784) to (None, 784), got {in_shape} -> {out_shape}.")
    try:
        units = _dense_units(model)
    except Exception:  # noqa: BLE001 - an odd model gets feedback, not a traceback
        units = []
    if not units or min(units) != code_size:
        found = min(units) if units else None
        if found == 128:
            return Feedback(False, "this model has the lesson's 128-number code; the exercise asks for a new "
                                   f"model with a {code_size}-number code. Hint: the last of the hidden sizes "
                                   "is the code size.")
        return Feedback(False, f"the narrowest layer should be the {code_size}-number code, found Dense sizes "
                               f"{units}. Hint: the last of the hidden sizes is the code size.")
    reconstructions = _predict(model, x_test)
    if reconstructions is None or reconstructions.shape != x_test.shape:
        return Feedback(False, "the model could not reconstruct x_test. Hint: build it with the course's "
                               "build_dense_autoencoder.")
    mse = float(np.mean((reconstructions - x_test) ** 2))
    if not mse < _UNTRAINED_MSE:
        return Feedback(False, "the model is not trained yet: it reconstructs no better than the average digit. "
                               "Hint: compile it like the 128-number model, then fit it with the input as target.")
    if not mse < SMALL_CODE_TRAINED_MSE:
        return Feedback(False, "the model is trained, but not as far as 5 epochs take it: its test MSE is above "
                               f"{SMALL_CODE_TRAINED_MSE}. Hint: give it the same training as the 128-number "
                               "model before mse_glorot_5 (optimizer, learning rate, batch size and 5 epochs).")
    if (fb := _unanswered(answer)) is not None:
        return Feedback(False, "the model is trained; now compute its test MSE with NumPy and assign it to small_mse.")
    return _number(answer, mse, "The test MSE of your model",
                   "average the squared differences between reconstructions and x_test over every pixel of "
                   "every image: one number.", rel_tol=1e-3)


#: Squared error per validation image that the wider candidate (784-512-128, ReLU, linear code,
#: cross-entropy, Adam(0.001)) must reach after its 2 epochs in batches of 256, as 03's screening runs.
#: Measured on the 5,000 validation images: 5.96 after 2 epochs (seed 42, 5.70 compiled with XLA; 5.66 with
#: seed 43), 7.24 after 1.5 epochs, 9.99
#: after 1 (9.36); in batches of 512 instead, 9.26 after 2 (8.82); untrained 182. The step-3 candidate
#: (256 units) scores 7.6-7.8 after 2 epochs.
WIDE_TRAINED_VAL = 6.8
#: Above this error per image a model has learned nothing useful (the average digit scores about 52).
_UNTRAINED_VAL = 50.0
#: The candidates' training: Adam at this rate, 2 epochs in batches of 256 over the 55,000 training images,
#: that is 2 x 215 = 430 updates. The error bar alone cannot tell some wrong recipes from seed noise
#: (Adam(0.01) reached 6.05-6.94 with seeds 42-45; 60,000 images 5.32), so the checker reads them too.
WIDE_LEARNING_RATE = 0.001
WIDE_UPDATES = 2 * -(-55_000 // 256)


def _adam_rate_and_updates(model) -> tuple[str, float | None, int | None]:
    """The compiled optimizer's class name (lower case), its learning rate (None for a schedule) and
    the number of updates it has applied (None when unreadable)."""
    optimizer = getattr(model, "optimizer", None)
    name = type(optimizer).__name__.lower()
    try:
        rate = float(optimizer.learning_rate)
    except Exception:  # noqa: BLE001 - a schedule or an odd optimizer: no single rate
        rate = None
    try:
        updates = int(optimizer.iterations)
    except Exception:  # noqa: BLE001
        updates = None
    return name, rate, updates


def _activation_names(model) -> dict[str, str]:
    """``{layer name: activation name}`` of every layer with units, nested models included."""
    return {layer.name: _activation_name(layer) for layer in _dense_layers(model)}


def _loss_name(model) -> str | None:
    """The compiled loss as a lower-case name (``"binary_crossentropy"``, ``"mse"``), or None."""
    loss = getattr(model, "loss", None)
    if loss is None:
        return None
    name = loss if isinstance(loss, str) else getattr(loss, "name", None) or getattr(loss, "__name__", "")
    return {"mean_squared_error": "mse"}.get(str(name).lower(), str(name).lower())


def check_wider_candidate(model, answer, x_val: np.ndarray, hidden: int = 512, code_size: int = 128) -> Feedback:
    """03, exercise 3: step 3's candidate with ``hidden`` units in each hidden layer (784-512-128-512-784,
    ReLU hidden units, a linear code, a sigmoid output), compiled with cross-entropy and trained for 2
    epochs (its squared error per validation image below :data:`WIDE_TRAINED_VAL`), and ``answer``:
    that error, summed over the 784 pixels and averaged over the ``x_val`` images ``(N, 784)``."""
    if (fb := _unanswered(model)) is not None:
        return fb
    in_shape, out_shape, _, problem = _model_io(model)
    if problem:
        return Feedback(False, problem)
    if in_shape != (None, 784) or out_shape != (None, 784):
        return Feedback(False, f"the autoencoder should map (None, 784) to (None, 784), got {in_shape} -> {out_shape}.")
    try:
        units, activations = _dense_units(model), _activation_names(model)
    except Exception:  # noqa: BLE001 - an odd model gets feedback, not a traceback
        units, activations = [], {}
    wanted = [hidden, code_size, hidden, 784]
    if units != wanted:
        if units == [256, code_size, 256, 784]:
            return Feedback(False, f"this model has step 3's 256 hidden units; the exercise widens them to {hidden}. "
                                   "Hint: the hidden sizes list the encoder's widths, the code last.")
        return Feedback(False, f"expected Dense layers of {wanted} units, found {units}. Hint: the hidden sizes "
                               "list the encoder's widths, the code last; the decoder mirrors them.")
    if activations.get("encoder_dense_1") != "relu" or activations.get("decoder_dense_1") != "relu":
        return Feedback(False, "the hidden layers should use ReLU units, as step 3's candidate does.")
    if activations.get("code") != "linear":
        return Feedback(False, "the code layer should be linear (no activation), as in step 3.")
    if activations.get("reconstruction") != "sigmoid":
        return Feedback(False, "the reconstruction should stay a sigmoid: pixels are in [0, 1].")
    loss = _loss_name(model)
    if loss is None:
        return Feedback(False, "the model is not compiled yet: compile it like step 3's candidate, then train it.")
    if loss != "binary_crossentropy":
        return Feedback(False, f"the model was compiled with the loss {loss!r}; step 3 kept cross-entropy. "
                               "Hint: change only the widths.")
    optimizer, rate, updates = _adam_rate_and_updates(model)
    if optimizer != "adam" or rate is None or not np.isclose(rate, WIDE_LEARNING_RATE, rtol=1e-4):
        shown = f"{optimizer} at learning rate {rate:g}" if rate is not None else optimizer
        return Feedback(False, f"the model was compiled with {shown}; step 3's candidate uses Adam at "
                               f"{WIDE_LEARNING_RATE:g}. Hint: change only the widths.")
    reconstructions = _predict(model, x_val)
    if reconstructions is None or reconstructions.shape != x_val.shape:
        return Feedback(False, "the model could not reconstruct x_val. Hint: pass the trained model and x_val.")
    error = float(np.mean(np.sum((reconstructions - x_val) ** 2, axis=1)))
    if not error < _UNTRAINED_VAL:
        return Feedback(False, "the model is not trained yet: it reconstructs worse than the average digit. "
                               "Hint: fit it with the input as its own target.")
    if not error < WIDE_TRAINED_VAL:
        return Feedback(False, "the model is trained, but not as far as 2 epochs take it. Hint: train it like "
                               "the candidates above (the same seed, batch size and number of epochs).")
    if updates is not None and updates != WIDE_UPDATES:
        return Feedback(False, f"the model has made {updates} updates; the candidates' training makes "
                               f"{WIDE_UPDATES} (2 epochs over the 55,000 images of x_train in batches of 256). "
                               "Hint: build, compile and fit in one cell run once, on x_train only, with "
                               "the candidates' batch size and number of epochs.")
    if (fb := _unanswered(answer)) is not None:
        return Feedback(False, "the model is trained; now measure its error on the validation images and assign "
                               "it to wide_val.")
    return _number(answer, error, "The squared error per validation image of your model",
                   "use the same measure as the candidates: the squared differences summed over the pixels of "
                   "each validation image, then averaged over the images (the function validation_error does it).",
                   rel_tol=1e-3)
