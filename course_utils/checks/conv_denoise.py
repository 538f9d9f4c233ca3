"""Exercise checkers of notebook 09: convolutional and denoising autoencoders."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_utils.checks.feedback import Feedback, _unanswered
from course_utils.checks.vae import _as_float_array


def check_salt_and_pepper(fn: Callable | None) -> Feedback:
    """09, exercise 1: ``fn(x, fraction, rng)`` sets a random ``fraction`` of the pixels to 0 or 1
    (half each on average), leaves the others and the input array unchanged, and draws from ``rng``."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    if not callable(fn):
        return Feedback(False, f"salt_and_pepper should be a function, got {type(fn).__name__}.")
    grey = np.full((50, 28, 28, 1), 0.5, dtype="float32")
    original = grey.copy()
    try:
        out = fn(grey, 0.2, np.random.default_rng(0))
        again = fn(grey.copy(), 0.2, np.random.default_rng(0))
        other = fn(grey.copy(), 0.2, np.random.default_rng(1))
        none = fn(grey.copy(), 0.0, np.random.default_rng(0))
    except Exception as exc:  # noqa: BLE001 - any error in student code becomes feedback
        return Feedback(False, f"your function raised {type(exc).__name__}: {exc}")
    if not np.array_equal(grey, original):
        return Feedback(False, "your function changed the input array: work on a copy (np.where or x.copy()).")
    if out is None:
        return Feedback(False, "Your function returns None: make it return the noisy images.")
    arrays = [_as_float_array(v) for v in (out, again, other, none)]
    if any(a is None for a in arrays):
        return Feedback(False, "your function should return an array of numbers.")
    out, again, other, none = arrays
    if out.shape != grey.shape or again.shape != grey.shape or other.shape != grey.shape or none.shape != grey.shape:
        return Feedback(False, f"the noisy images should keep the input's shape {grey.shape}, got {out.shape}.")
    if not np.all(np.isfinite(out)) or out.min() < 0 or out.max() > 1:
        return Feedback(False, "pixels should stay between 0 and 1: salt is 1 (white), pepper is 0 (black).")
    salt, pepper = float(np.mean(out == 1.0)), float(np.mean(out == 0.0))
    kept = float(np.mean(np.isclose(out, 0.5)))
    if salt + pepper + kept < 0.999:
        return Feedback(False, "some pixels are neither unchanged, 0 nor 1: replace the chosen pixels, "
                               "do not add noise to them.")
    changed = salt + pepper
    if not 0.18 <= changed <= 0.22:
        return Feedback(False, f"a fraction of 0.2 changed {changed:.2f} of the pixels. Hint: choose each "
                               "pixel with probability `fraction`, then make each chosen one salt or pepper.")
    if salt < 0.3 * changed or pepper < 0.3 * changed:
        return Feedback(False, "the changed pixels should be about half white (salt) and half black (pepper); "
                               f"yours are {salt / changed:.0%} white.")
    if not np.allclose(none, 0.5):
        return Feedback(False, "with fraction 0 no pixel should change.")
    if not np.array_equal(out, again) or np.array_equal(out, other):
        return Feedback(False, "draw the random numbers from the rng argument (rng.random), so that the same "
                               "rng gives the same noise and another rng other noise.")
    return Feedback(True, "your noise changes the right share of pixels, half to white and half to black, "
                          "and leaves the input alone.")


#: Exercise 2's bar: squared error per image on the test digits given, after 2 epochs on 5,000 images
#: in batches of 32. This notebook's 16-number conv autoencoder lands near 22 (seed 42) and 25 (seed 7);
#: an untrained one near 180; the all-black image near 82 (first 1,000 test images); 3 epochs in
#: batches of 64 near 29-34; one epoch on the 5,000 images near 47 and one on only 1,000 near 58
#: (tests/test_conv_denoise.py checks that both fail, so the bar cannot drift up unnoticed).
CONV16_MAX_ERROR = 35.0


def _all_layers(model) -> list:
    """Every layer of ``model``, nested models expanded."""
    found = []
    for layer in getattr(model, "layers", []) or []:
        if hasattr(layer, "layers"):
            found.extend(_all_layers(layer))
        else:
            found.append(layer)
    return found


def _output_size(layer) -> int | None:
    try:
        shape = layer.output.shape
    except Exception:  # noqa: BLE001 - a layer without a single output
        return None
    try:
        return int(np.prod([d for d in shape[1:]]))
    except (TypeError, ValueError):
        return None


def check_conv_autoencoder(model, x, code_size: int = 16) -> Feedback:
    """09, exercise 2: a convolutional autoencoder for ``(N, 28, 28, 1)`` images whose narrowest layer
    holds ``code_size`` numbers, with strided convolutions (or pooling), trained: its squared error per
    image on ``x`` is below :data:`CONV16_MAX_ERROR`."""
    if (fb := _unanswered(model)) is not None:
        return fb
    if not callable(getattr(model, "predict", None)) or not hasattr(model, "layers"):
        return Feedback(False, f"conv_ae should be a Keras model, got {type(model).__name__}.")
    x = _as_float_array(x)
    if x is None or x.ndim != 4 or x.shape[1:] != (28, 28, 1) or len(x) < 100:
        return Feedback(False, "pass at least 100 test images of shape (28, 28, 1) as the second argument, "
                               "e.g. x_test[:1000].")
    if not np.all(np.isfinite(x)) or x.min() < 0 or x.max() > 1:
        return Feedback(False, "pass the test images with pixels between 0 and 1, as the notebook scaled them "
                               "(x_test[:1000]), not rescaled.")
    try:
        input_shape = tuple(model.inputs[0].shape[1:])
    except Exception:  # noqa: BLE001
        input_shape = None
    if input_shape != (28, 28, 1):
        return Feedback(False, f"the model's input should be images of shape (28, 28, 1), got {input_shape}.")
    flat = _all_layers(model)
    convs = [l for l in flat if type(l).__name__ in ("Conv2D", "Conv2DTranspose")]
    if not any(type(l).__name__ == "Conv2D" for l in convs):
        return Feedback(False, "the encoder has no Conv2D layer: this exercise is about a convolutional encoder.")
    downsamples = [l for l in flat if (type(l).__name__ == "Conv2D" and max(l.strides) > 1)
                   or "Pooling2D" in type(l).__name__]
    if not downsamples:
        return Feedback(False, "no Conv2D layer has strides > 1 (and there is no pooling): the encoder "
                               "never shrinks the image, so the code cannot be small.")
    sizes = [s for s in (_output_size(l) for l in flat) if s]
    narrowest = min(sizes) if sizes else None
    if narrowest != code_size:
        return Feedback(False, f"the narrowest layer holds {narrowest} numbers per image; the code should "
                               f"hold {code_size}.")
    try:
        reconstruction = model.predict(x.astype("float32"), batch_size=500, verbose=0)
    except Exception as exc:  # noqa: BLE001
        return Feedback(False, f"the model could not reconstruct the images: {type(exc).__name__}.")
    reconstruction = _as_float_array(reconstruction)
    if reconstruction is None or reconstruction.shape != x.shape:
        shape = None if reconstruction is None else reconstruction.shape
        return Feedback(False, f"the reconstruction should have the input's shape {x.shape}, got {shape}.")
    if not np.all(np.isfinite(reconstruction)):
        return Feedback(False, "the model outputs NaN or infinite values: check the loss and the learning rate.")
    error = float(((reconstruction - x) ** 2).reshape(len(x), -1).sum(axis=1).mean())
    black = float((x ** 2).reshape(len(x), -1).sum(axis=1).mean())
    if error >= black:
        return Feedback(False, f"the squared error per image is {error:.0f}, no better than an all-black image "
                               f"({black:.0f}): has the model been trained, or did it collapse? Train it "
                               "(2 epochs), or reseed and train again.")
    if error > CONV16_MAX_ERROR:
        return Feedback(False, f"the squared error per image is {error:.1f}, above {CONV16_MAX_ERROR:g}: "
                               "train 2 epochs in batches of 32 with binary cross-entropy and Adam.")
    return Feedback(True, f"a convolutional autoencoder with a {code_size}-number code, trained below "
                          f"{CONV16_MAX_ERROR:g} per image.")
