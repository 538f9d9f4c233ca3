"""Exercise checkers. Each returns a :class:`Feedback` that a notebook displays at once:
what is right or wrong, and a hint. ``Feedback.passed`` tells tests the verdict.

An exercise left as ``None`` gets a "not answered yet" message instead of an error.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feedback:
    """The verdict of a checker: ``passed`` and a message for the student."""

    passed: bool
    message: str

    def __repr__(self) -> str:
        return ("Correct! " if self.passed else "Not yet. ") + self.message

    def __bool__(self) -> bool:
        return self.passed


def _unanswered(answer) -> Feedback | None:
    if answer is None:
        return Feedback(False, "Replace None with your answer, then run the cell again.")
    return None


def _number(answer, expected: float, what: str, hint: str, rel_tol: float = 1e-6,
            abs_tol: float = 0.0) -> Feedback:
    """Compare a numeric answer with the expected value."""
    if (fb := _unanswered(answer)) is not None:
        return fb
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, f"{what} should be a number, got {type(answer).__name__}. Hint: {hint}")
    if math.isclose(value, expected, rel_tol=rel_tol, abs_tol=abs_tol):
        return Feedback(True, f"{what} is {expected:g}.")
    direction = "too high" if value > expected else "too low"
    return Feedback(False, f"{what}: {value:g} is {direction}. Hint: {hint}")


def _array(answer, expected: np.ndarray, what: str, hint: str, atol: float = 1e-5) -> Feedback:
    """Compare an array answer with the expected array: shape first, then values."""
    if (fb := _unanswered(answer)) is not None:
        return fb
    answer = np.asarray(answer, dtype=np.float64)
    if answer.shape != expected.shape:
        return Feedback(False, f"{what} should have shape {expected.shape}, got {answer.shape}. Hint: {hint}")
    bad = ~np.isclose(answer, expected, atol=atol, rtol=1e-4)
    if bad.any():
        i = tuple(int(v) for v in np.argwhere(bad)[0])
        return Feedback(False, f"{what}: {bad.sum()} of {bad.size} values differ, first at index {i} "
                               f"({answer[i]:.4g}, expected {expected[i]:.4g}). Hint: {hint}")
    return Feedback(True, f"{what} matches (shape {expected.shape}).")


# --- 01: what an autoencoder is -------------------------------------------------------

def check_compression_ratio(answer) -> Feedback:
    """01, exercise 1: how many times smaller is a 32-number code than a 784-pixel image?"""
    return _number(answer, 784 / 32, "The compression ratio 784/32",
                   "divide the number of input numbers by the number of code numbers.", rel_tol=1e-3)


def check_prepare_images(fn: Callable | None) -> Feedback:
    """01, exercise 2: ``fn(uint8 images (N, 28, 28)) -> float32 rows (N, 784) in [0, 1]``."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    images[0, 0, 0], images[1, 0, 0] = 0, 255
    try:
        out = fn(images)
    except Exception as exc:  # the student's code failed: explain rather than crash
        return Feedback(False, f"your function raised {type(exc).__name__}: {exc}")
    if (fb := _unanswered(out)) is not None:
        return Feedback(False, "Your function returns None: make it return the prepared array.")
    out = np.asarray(out)
    if out.shape != (3, 784):
        return Feedback(False, f"3 images should give shape (3, 784), got {out.shape}. "
                               "Hint: images.reshape(len(images), -1) flattens each image.")
    if out.dtype != np.float32:
        return Feedback(False, f"dtype should be float32, got {out.dtype}. Hint: .astype('float32').")
    if not np.allclose(out, images.reshape(3, -1) / 255.0, atol=1e-6):
        return Feedback(False, "values should be the pixels divided by 255, in [0, 1]. "
                               f"Yours span {out.min():.3g}..{out.max():.3g}.")
    return Feedback(True, "images become float32 rows of 784 values in [0, 1].")


# --- 02: building the encoder and decoder ----------------------------------------------

def check_decoder_param_count(answer) -> Feedback:
    """02, exercise 1: parameters of the 128-256-784 decoder, by hand."""
    expected = (128 + 1) * 256 + (256 + 1) * 784
    return _number(answer, expected, "The decoder's parameter count",
                   "each Dense layer has n_in * n_out weights plus n_out biases; add both layers.")


def check_small_encoder(model) -> Feedback:
    """02, exercise 2: a functional 784-64-32 encoder with ReLU hidden layer."""
    if (fb := _unanswered(model)) is not None:
        return fb
    try:
        in_shape, out_shape = tuple(model.input_shape), tuple(model.output_shape)
        n_params = int(model.count_params())
    except Exception as exc:
        return Feedback(False, f"expected a keras.Model, got {type(model).__name__} ({exc}). "
                               "Hint: keras.Model(inputs, outputs).")
    if in_shape != (None, 784):
        return Feedback(False, f"input shape should be (None, 784), got {in_shape}. "
                               "Hint: keras.Input(shape=(784,)).")
    if out_shape != (None, 32):
        return Feedback(False, f"output shape should be (None, 32), got {out_shape}.")
    expected = (784 + 1) * 64 + (64 + 1) * 32
    if n_params != expected:
        return Feedback(False, f"{n_params} parameters, expected {expected}: two Dense layers, 64 then 32 units.")
    acts = [getattr(getattr(layer, "activation", None), "__name__", None) for layer in model.layers
            if hasattr(layer, "units")]
    if not acts or acts[0] != "relu":
        return Feedback(False, f"the hidden layer should use ReLU, found activations {acts}.")
    return Feedback(True, f"784 -> 64 (ReLU) -> 32, {expected} parameters.")


# --- 03: training ------------------------------------------------------------------------

def check_steps_per_epoch(answer, n_images: int = 55_000, batch_size: int = 256) -> Feedback:
    """03, exercise 1: gradient steps in one epoch (the last batch may be smaller)."""
    return _number(answer, math.ceil(n_images / batch_size), f"Steps per epoch for {n_images} images in batches of {batch_size}",
                   "one step per batch; a last, partial batch still counts (round up).")


def check_test_mse(answer, model, x_test: np.ndarray) -> Feedback:
    """03, exercise 2: the model's test MSE computed with NumPy (mean over pixels and images)."""
    expected = float(np.mean((model.predict(x_test, verbose=0) - x_test) ** 2))
    return _number(answer, expected, "The test MSE",
                   "reconstruct x_test with model.predict, subtract, square, then np.mean over everything.",
                   rel_tol=1e-3)


# --- 04: visualizing reconstructions ----------------------------------------------------

def check_class_median_errors(answer, errors: np.ndarray, labels: np.ndarray) -> Feedback:
    """04, exercise 1: median reconstruction error of each digit, an array of 10 values."""
    expected = np.array([np.median(errors[labels == d]) for d in range(10)])
    return _array(answer, expected, "Median error per digit",
                  "for each digit d, take np.median(errors[labels == d]); keep them in order 0..9.")


def check_worst_of_digit(answer, errors: np.ndarray, labels: np.ndarray, digit: int) -> Feedback:
    """04, exercise 2: index (into the test set) of the worst-reconstructed image of ``digit``."""
    if (fb := _unanswered(answer)) is not None:
        return fb
    idx = np.flatnonzero(labels == digit)
    expected = int(idx[np.argmax(errors[idx])])
    if int(answer) == expected:
        return Feedback(True, f"test image {expected} is the worst {digit} (error {errors[expected]:.4f}).")
    hint = "np.argmax over errors of that digit gives a position in the subset; map it back with the subset's indices."
    if 0 <= int(answer) < len(labels) and labels[int(answer)] != digit:
        return Feedback(False, f"image {int(answer)} is a {labels[int(answer)]}, not a {digit}. Hint: {hint}")
    return Feedback(False, f"image {int(answer)} is not the worst {digit}. Hint: {hint}")


# --- 05: the 2-D latent projection ------------------------------------------------------

def check_centroids(answer, codes: np.ndarray, labels: np.ndarray) -> Feedback:
    """05, exercise 1: the mean 2-D code of each digit, shape (10, 2)."""
    expected = np.stack([codes[labels == d].mean(axis=0) for d in range(10)])
    return _array(answer, expected, "Digit centroids", "codes[labels == d].mean(axis=0) for d in 0..9, stacked.",
                  atol=1e-4)


def check_nearest_centroid_accuracy(answer, centroids: np.ndarray, codes: np.ndarray,
                                    labels: np.ndarray) -> Feedback:
    """05, exercise 2: accuracy (0-1) of predicting each code's digit by its nearest centroid."""
    dist = ((codes[:, None, :] - centroids[None, :, :]) ** 2).sum(-1)
    expected = float((dist.argmin(axis=1) == labels).mean())
    return _number(answer, expected, "Nearest-centroid accuracy",
                   "distances of every code to every centroid (shape (N, 10)), argmin over axis 1, "
                   "compare with the labels, average. Give a fraction, not a percentage.", abs_tol=1e-6)


# --- 06: codes as features ----------------------------------------------------------

def check_balanced_subset(answer, labels: np.ndarray, per_class: int = 10) -> Feedback:
    """06, exercise 1: indices of exactly ``per_class`` examples of each digit, no repeats."""
    if (fb := _unanswered(answer)) is not None:
        return fb
    idx = np.asarray(answer)
    if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
        return Feedback(False, f"expected a 1-D array of integer indices, got shape {idx.shape}, dtype {idx.dtype}.")
    if len(np.unique(idx)) != len(idx):
        return Feedback(False, "some indices repeat. Hint: sample without replacement (replace=False).")
    counts = np.bincount(np.asarray(labels)[idx], minlength=10)
    if not (counts == per_class).all():
        return Feedback(False, f"counts per digit are {counts.tolist()}, expected {per_class} each. "
                               "Hint: choose from np.flatnonzero(labels == d) for each digit d.")
    return Feedback(True, f"{len(idx)} indices, {per_class} of each digit.")


def check_best_input(answer, accuracies: dict[str, float]) -> Feedback:
    """06, exercise 2: the name of the input with the highest accuracy in ``accuracies``."""
    if (fb := _unanswered(answer)) is not None:
        return fb
    best = max(accuracies, key=accuracies.get)
    if answer == best:
        return Feedback(True, f"{best!r} is best with accuracy {accuracies[best]:.3f}.")
    if answer not in accuracies:
        return Feedback(False, f"{answer!r} is not one of the inputs {sorted(accuracies)}.")
    return Feedback(False, f"{answer!r} reaches {accuracies[answer]:.3f}; another input does better. "
                           "Hint: max(accuracies, key=accuracies.get).")


# --- 07: autoencoder vs PCA -------------------------------------------------------------

def check_pca_error(answer, pca, x_test: np.ndarray) -> Feedback:
    """07, exercise 1: squared error per test image of a fitted PCA, summed over pixels, averaged over images."""
    reconstructed = pca.inverse_transform(pca.transform(x_test))
    expected = float(((x_test - reconstructed) ** 2).sum(axis=1).mean())
    return _number(answer, expected, f"The PCA-{pca.n_components} error per image",
                   "sum the squared differences over axis 1 (pixels), then average over images.", rel_tol=1e-3)


def check_per_pixel_mse(answer, error_per_image: float, pixels: int = 784) -> Feedback:
    """07, exercise 2: a summed-over-pixels error converted to a mean over pixels."""
    return _number(answer, error_per_image / pixels, "The per-pixel MSE",
                   f"an image has {pixels} pixels; the sum over them is {pixels} times the mean.", rel_tol=1e-4)


# --- 08: variational autoencoder --------------------------------------------------------

def check_kl_function(fn: Callable | None) -> Feedback:
    """08, exercise 1: ``fn(z_mean, z_log_var)`` -> KL(N(mean, exp(log_var)) || N(0, I)) per row, shape (N,)."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    rng = np.random.default_rng(0)
    mean, log_var = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    expected = -0.5 * (1 + log_var - mean ** 2 - np.exp(log_var)).sum(axis=1)
    try:
        out = fn(mean, log_var)
    except Exception as exc:
        return Feedback(False, f"your function raised {type(exc).__name__}: {exc}")
    if (fb := _unanswered(out)) is not None:
        return Feedback(False, "Your function returns None: make it return the KL of each row.")
    out = np.asarray(out, dtype=np.float64)
    if out.shape != (4,):
        return Feedback(False, f"4 rows of 2-D codes should give shape (4,), got {out.shape}. "
                               "Hint: sum over the latent dimensions (axis=-1), not over the batch.")
    if np.allclose(out, -expected, atol=1e-5):
        return Feedback(False, "the sign is flipped: a KL divergence is never negative.")
    if not np.allclose(out, expected, atol=1e-5):
        return Feedback(False, "values differ from -0.5 * sum(1 + log_var - mean**2 - exp(log_var)). "
                               "Check each term, and that exp is applied to log_var.")
    return Feedback(True, "KL per image is -0.5 * sum(1 + log_var - mean^2 - exp(log_var)).")


def check_sampling(fn: Callable | None) -> Feedback:
    """08, exercise 2: ``fn(z_mean, z_log_var, rng)`` draws ``z = mean + exp(log_var / 2) * eps``."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    n = 20_000
    mean = np.tile([[2.0, -1.0]], (n, 1))
    log_var = np.tile([[np.log(0.25), np.log(4.0)]], (n, 1))  # std 0.5 and 2
    try:
        z = fn(mean, log_var, np.random.default_rng(0))
    except Exception as exc:
        return Feedback(False, f"your function raised {type(exc).__name__}: {exc}")
    if (fb := _unanswered(z)) is not None:
        return Feedback(False, "Your function returns None: make it return the samples.")
    z = np.asarray(z, dtype=np.float64)
    if z.shape != mean.shape:
        return Feedback(False, f"samples should have the shape of z_mean {mean.shape}, got {z.shape}.")
    m, s = z.mean(axis=0), z.std(axis=0)
    if not np.allclose(m, [2.0, -1.0], atol=0.1):
        return Feedback(False, f"sample means {np.round(m, 2).tolist()} should be close to z_mean [2, -1].")
    if np.allclose(s, [0.25, 4.0], rtol=0.1):
        return Feedback(False, "your spread is the variance, not the standard deviation. Hint: exp(log_var / 2).")
    if not np.allclose(s, [0.5, 2.0], rtol=0.1):
        return Feedback(False, f"sample standard deviations {np.round(s, 2).tolist()} should be [0.5, 2]. "
                               "Hint: std = exp(log_var / 2), times standard normal noise.")
    return Feedback(True, "z = mean + exp(log_var / 2) * eps has the right mean and spread.")
