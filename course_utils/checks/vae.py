"""Exercise checkers of notebook 08: the variational autoencoder."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_utils.checks.feedback import Feedback, _unanswered


def _as_float_array(value) -> np.ndarray | None:
    """``value`` (NumPy array, list, or a backend tensor) as a float64 array, or None if it is not numeric."""
    if hasattr(value, "numpy") and callable(value.numpy):  # TensorFlow / PyTorch tensors
        try:
            value = value.numpy()
        except Exception:  # noqa: BLE001 - e.g. a tensor that needs .detach(); fall through
            pass
    try:
        out = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return out


def check_kl_function(fn: Callable | None) -> Feedback:
    """08, exercise 1: ``fn(z_mean, z_log_var)`` -> KL(N(mean, exp(log_var)) || N(0, I)) per row, shape (N,),
    written with ``keras.ops``: called on backend tensors it returns a backend tensor, not a NumPy array.

    Names the usual slips: a flipped sign, a factor of 2, ``mean`` where the formula has ``mean**2``,
    ``log_var`` where it has ``exp(log_var)``, a sum over the batch, and NumPy in place of ``keras.ops``.
    """
    if (fb := _unanswered(fn)) is not None:
        return fb
    if not callable(fn):
        return Feedback(False, f"kl should be a function, got {type(fn).__name__}.")
    import keras
    from keras import ops

    rng = np.random.default_rng(0)
    mean = rng.normal(size=(4, 2)).astype("float32")
    log_var = rng.normal(size=(4, 2)).astype("float32")
    m, lv = mean.astype(np.float64), log_var.astype(np.float64)
    expected = -0.5 * (1 + lv - m ** 2 - np.exp(lv)).sum(axis=1)
    try:
        raw = fn(ops.convert_to_tensor(mean), ops.convert_to_tensor(log_var))
    except Exception as exc:  # noqa: BLE001 - any error in student code becomes feedback
        return Feedback(False, f"your function raised {type(exc).__name__}: {exc}. Hint: use keras.ops "
                               "functions (ops.sum, ops.exp, ops.square) on z_mean and z_log_var.")
    if raw is None:
        return Feedback(False, "Your function returns None: make it return the KL of each row.")
    out = _as_float_array(raw)
    if out is None:
        return Feedback(False, "your function should return numbers (an array or tensor of shape (N,)).")
    if out.shape != (4,):
        return Feedback(False, f"4 rows of 2-D codes should give shape (4,), got {out.shape}. "
                               "Hint: sum over the latent dimensions (axis=-1), not over the batch.")
    if np.allclose(out, -expected, atol=1e-4):
        return Feedback(False, "the sign is flipped: a KL divergence is never negative.")
    if np.allclose(out, expected / 2, atol=1e-4) or np.allclose(out, expected * 2, atol=1e-4):
        return Feedback(False, "off by a factor of 2: the formula has -0.5 in front of the sum.")
    if np.allclose(out, -0.5 * (1 + lv - m - np.exp(lv)).sum(axis=1), atol=1e-4):
        return Feedback(False, "the mean enters the formula squared: mean**2 (ops.square), not mean.")
    if np.allclose(out, -0.5 * (1 + lv - m ** 2 - lv).sum(axis=1), atol=1e-4):
        return Feedback(False, "the last term is the variance, exp(log_var), not log_var itself.")
    if not np.allclose(out, expected, atol=1e-4):
        return Feedback(False, "values differ from -0.5 * sum(1 + log_var - mean**2 - exp(log_var)). "
                               "Check each term, and that exp is applied to log_var.")
    if keras.backend.backend() != "numpy" and isinstance(raw, (np.ndarray, np.generic)):
        return Feedback(False, "the values are right, but your function returns a NumPy array: write it "
                               "with keras.ops (ops.sum, ops.exp, ops.square) so that it runs on any "
                               "backend, inside a model.")
    return Feedback(True, "your KL term matches the formula on random means and log-variances.")


def check_sampling(fn: Callable | None) -> Feedback:
    """08, exercise 2: ``fn(z_mean, z_log_var, rng)`` draws ``z = mean + exp(log_var / 2) * eps``,
    with independent noise for every row and every dimension, taken from ``rng``."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    if not callable(fn):
        return Feedback(False, f"sample should be a function, got {type(fn).__name__}.")
    n = 20_000
    mean = np.tile([[2.0, -1.0]], (n, 1))
    log_var = np.tile([[np.log(0.25), np.log(4.0)]], (n, 1))  # std 0.5 and 2
    try:
        z = fn(mean, log_var, np.random.default_rng(0))
        z_again = fn(mean, log_var, np.random.default_rng(0))
        z_other = fn(mean, log_var, np.random.default_rng(1))
    except Exception as exc:  # noqa: BLE001
        return Feedback(False, f"your function raised {type(exc).__name__}: {exc}")
    if z is None:
        return Feedback(False, "Your function returns None: make it return the samples.")
    z, z_again, z_other = (_as_float_array(v) for v in (z, z_again, z_other))
    if z is None or z_again is None or z_other is None:
        return Feedback(False, "your function should return an array of numbers.")
    if z.shape != mean.shape:
        return Feedback(False, f"samples should have the shape of z_mean {mean.shape}, got {z.shape}.")
    if not np.all(np.isfinite(z)):
        return Feedback(False, "your samples contain NaN or infinite values.")
    m, s = z.mean(axis=0), z.std(axis=0)
    if not np.allclose(m, [2.0, -1.0], atol=0.1):
        return Feedback(False, "the sample means should be close to z_mean: add the noise term to z_mean.")
    if np.allclose(s, [0.25, 4.0], rtol=0.1):
        return Feedback(False, "your spread is the variance, not the standard deviation. Hint: exp(log_var / 2).")
    if not np.allclose(s, [0.5, 2.0], rtol=0.1):
        return Feedback(False, "the standard deviations of the samples are wrong. "
                               "Hint: std = exp(log_var / 2), times standard normal noise.")
    if z_again.shape != z.shape or not np.allclose(z, z_again) or (
            z_other.shape == z.shape and np.allclose(z, z_other)):
        return Feedback(False, "draw the noise from the rng argument (rng.standard_normal), so that "
                               "the same rng gives the same samples and another rng other samples.")
    eps = (z - mean) / np.exp(0.5 * log_var)
    if abs(np.corrcoef(eps.T)[0, 1]) > 0.05:
        return Feedback(False, "both dimensions get the same noise: draw eps with the full shape of z_mean, "
                               "one independent value per image and per dimension.")
    return Feedback(True, "your samples have the right means, spreads and independent noise.")


def _vae_terms(x: np.ndarray, reconstruction: np.ndarray, z_mean: np.ndarray, z_log_var: np.ndarray):
    r = np.clip(reconstruction, 1e-7, 1 - 1e-7)
    recon = -(x * np.log(r) + (1 - x) * np.log(1 - r)).sum(axis=1)
    kl = -0.5 * (1 + z_log_var - z_mean ** 2 - np.exp(z_log_var)).sum(axis=1)
    return float(recon.mean()), float(kl.mean())


#: Exercise 3's bounds, nats per image on the first 1,000 test digits. The solution (4-d VAE, 2 epochs)
#: measured 128.5-128.6 (reconstruction) and 8.6-8.9 (KL) across CPU configurations and seeds; untrained
#: it costs ~543 (784 ln 2), and trained without the KL term its KL grows far beyond 25.
VAE4_MAX_RECONSTRUCTION = 150.0
VAE4_KL_RANGE = (3.0, 25.0)
#: Below this reconstruction cost (nats per image) the decoder has learned something: an untrained
#: decoder costs about 784 ln 2 = 543; one that draws the average digit whatever the code, about 206.
VAE4_UNTRAINED_RECONSTRUCTION = 450.0


def check_vae_4d(model, x) -> Feedback:
    """08, exercise 3: a VAE with a 4-d latent space, trained 2 epochs: ``model.predict(x)`` gives
    ``[reconstruction (N, 784), z_mean (N, 4), z_log_var (N, 4)]`` with both loss terms in range."""
    if (fb := _unanswered(model)) is not None:
        return fb
    if not callable(getattr(model, "predict", None)):
        return Feedback(False, f"vae4 should be a Keras model (the VAE class of this notebook), "
                               f"got {type(model).__name__}.")
    x = _as_float_array(x)
    if x is None or x.ndim != 2 or x.shape[1] != 784 or len(x) < 100:
        return Feedback(False, "pass the test images as the second argument, e.g. x_test[:1000].")
    if not np.all(np.isfinite(x)) or x.min() < 0 or x.max() > 1 or x.max() < 0.5:
        return Feedback(False, "the images should hold pixels in [0, 1], scaled once (as load_mnist gives "
                               "them): pass x_test[:1000].")
    try:
        outputs = model.predict(x.astype("float32"), batch_size=500, verbose=0)
    except Exception as exc:  # noqa: BLE001
        return Feedback(False, f"the model could not encode flattened images (N, 784): "
                               f"{type(exc).__name__}. Build it with input shape (784,).")
    if not isinstance(outputs, (list, tuple)) or len(outputs) != 3:
        return Feedback(False, "the model should output three things: [reconstruction, z_mean, z_log_var], "
                               "as the VAE class of this notebook does.")
    arrays = [_as_float_array(o) for o in outputs]
    if any(a is None for a in arrays):
        return Feedback(False, "the model's outputs should be arrays of numbers.")
    reconstruction, z_mean, z_log_var = arrays
    n = len(x)
    if reconstruction.shape != (n, 784):
        return Feedback(False, f"the first output should be the reconstruction, shape ({n}, 784), "
                               f"got {reconstruction.shape}.")
    if z_mean.shape != (n, 4) or z_log_var.shape != (n, 4):
        return Feedback(False, f"z_mean and z_log_var should have shape ({n}, 4) for a 4-d latent space, "
                               f"got {z_mean.shape} and {z_log_var.shape}. Hint: build a new VAE with "
                               "build_vae_parts(latent_dim=4), not the notebook's 2-d one.")
    if not all(np.all(np.isfinite(a)) for a in arrays):
        return Feedback(False, "the model outputs NaN or infinite values: check the loss and the learning rate.")
    recon, kl = _vae_terms(x, reconstruction, z_mean, z_log_var)
    low, high = VAE4_KL_RANGE
    if kl < low and recon < VAE4_UNTRAINED_RECONSTRUCTION:
        return Feedback(False, f"the KL term is {kl:.1f} nats per image, below {low:g}: the codes carry "
                               "almost no information about the images, so the decoder can only draw an "
                               "average digit (a collapsed VAE, or one trained too little). Hint: train the "
                               "VAE class of this notebook for 2 epochs; its loss adds the KL term once, "
                               "with weight 1.")
    if recon > VAE4_MAX_RECONSTRUCTION:
        return Feedback(False, f"the reconstruction term is {recon:.0f} nats per image, above "
                               f"{VAE4_MAX_RECONSTRUCTION:.0f}: has the model been trained (2 epochs)?")
    if not low <= kl <= high:
        return Feedback(False, f"the KL term is {kl:.1f} nats per image, outside {low:g} to {high:g}: "
                               "train with the VAE class, whose loss includes the KL term.")
    return Feedback(True, "your 4-d VAE is trained, and both of its loss terms are in the expected range.")
