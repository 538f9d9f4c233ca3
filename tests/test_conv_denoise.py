"""Checkers of notebook 09 (convolutional and denoising autoencoders): right answers pass,
plausible wrong answers fail with feedback, and odd input never crashes a checker."""
import os

import numpy as np
import pytest

import course_utils  # noqa: F401  (loads TensorFlow quietly, before Keras)
import keras
from keras import layers

from course_utils import checks, seed_everything


# --- exercise 1: salt-and-pepper noise ------------------------------------------------------

def salt_and_pepper(x, fraction, rng):
    chosen = rng.random(x.shape) < fraction
    salt = rng.random(x.shape) < 0.5
    return np.where(chosen, salt.astype(x.dtype), x)


def test_salt_and_pepper_right_answer_passes():
    fb = checks.check_salt_and_pepper(salt_and_pepper)
    assert fb.passed, fb
    assert repr(fb).startswith("Correct!")


def _masking_only(x, fraction, rng):
    return np.where(rng.random(x.shape) < fraction, 0.0, x)


def _double_fraction(x, fraction, rng):
    salt = rng.random(x.shape) < fraction
    pepper = ~salt & (rng.random(x.shape) < fraction)
    return np.where(salt, 1.0, np.where(pepper, 0.0, x))


def _in_place(x, fraction, rng):
    chosen = rng.random(x.shape) < fraction
    x[chosen] = (rng.random(x.shape) < 0.5)[chosen]
    return x


def _global_rng(x, fraction, rng):
    return salt_and_pepper(x, fraction, np.random.default_rng())


def _own_seeded_rng(x, fraction, rng):  # repeatable, but ignores the rng it is given
    return salt_and_pepper(x, fraction, np.random.default_rng(0))


def _additive(x, fraction, rng):
    return np.clip(x + fraction * rng.standard_normal(x.shape), 0, 1)


def _flattened(x, fraction, rng):
    return salt_and_pepper(x, fraction, rng).reshape(len(x), -1)


def _raises(x, fraction, rng):
    raise RuntimeError("boom")


@pytest.mark.parametrize("wrong", [_masking_only, _double_fraction, _in_place, _global_rng, _own_seeded_rng, _additive,
                                   _flattened, _raises, lambda x, f, r: None, lambda x, f, r: "noise",
                                   lambda: None, "not a function", 3])
def test_salt_and_pepper_wrong_answers_fail_without_crashing(wrong):
    fb = checks.check_salt_and_pepper(wrong)
    assert not fb.passed
    assert repr(fb).startswith("Not yet.")


def test_salt_and_pepper_that_ignores_its_rng_is_told_so():
    fb = checks.check_salt_and_pepper(_own_seeded_rng)
    assert not fb.passed and "rng argument" in fb.message, fb


def test_salt_and_pepper_unanswered():
    assert "Replace None" in repr(checks.check_salt_and_pepper(None))


# --- exercise 2: a trained convolutional autoencoder with a 16-number code --------------------

def conv_autoencoder(code_size=16, strides=2, input_shape=(28, 28, 1)):
    image = keras.Input(shape=input_shape)
    h = layers.Conv2D(16, 3, strides=strides, padding="same", activation="relu")(image)
    h = layers.Conv2D(32, 3, strides=strides, padding="same", activation="relu")(h)
    side = input_shape[0] // strides ** 2
    code = layers.Dense(code_size)(layers.Flatten()(h))
    encoder = keras.Model(image, code)
    code_in = keras.Input(shape=(code_size,))
    h = layers.Reshape((side, side, 32))(layers.Dense(side * side * 32, activation="relu")(code_in))
    h = layers.Conv2DTranspose(16, 3, strides=strides, padding="same", activation="relu")(h)
    out = layers.Conv2DTranspose(1, 3, strides=strides, padding="same", activation="sigmoid")(h)
    decoder = keras.Model(code_in, out)
    return keras.Model(image, decoder(encoder(image)))


@pytest.fixture(scope="module")
def digits():
    """Digit-like test images: random strokes on a black background, (200, 28, 28, 1)."""
    rng = np.random.default_rng(0)
    x = np.zeros((200, 28, 28, 1), dtype="float32")
    for img in x:
        r, c = rng.integers(6, 20, size=2)
        img[r - 5:r + 5, c - 1:c + 2, 0] = 1.0
    return x


def test_conv_checker_unanswered(digits):
    assert "Replace None" in repr(checks.check_conv_autoencoder(None, digits))


@pytest.mark.parametrize("model", ["a model", 16, [1, 2], object()])
def test_conv_checker_rejects_non_models(model, digits):
    fb = checks.check_conv_autoencoder(model, digits)
    assert not fb.passed and "Keras model" in fb.message


@pytest.mark.parametrize("x", [None, "images", np.zeros((200, 784)), np.zeros((10, 28, 28, 1)),
                               np.zeros((200, 28, 28))])
def test_conv_checker_rejects_bad_images(x):
    fb = checks.check_conv_autoencoder(conv_autoencoder(), x)
    assert not fb.passed and "test images" in fb.message


def test_conv_checker_rejects_a_dense_model(digits):
    image = keras.Input(shape=(28, 28, 1))
    h = layers.Dense(16)(layers.Flatten()(image))
    out = layers.Reshape((28, 28, 1))(layers.Dense(784, activation="sigmoid")(h))
    fb = checks.check_conv_autoencoder(keras.Model(image, out), digits)
    assert not fb.passed and "Conv2D" in fb.message


def test_conv_checker_rejects_flat_input(digits):
    image = keras.Input(shape=(784,))
    out = layers.Dense(784, activation="sigmoid")(layers.Dense(16)(image))
    fb = checks.check_conv_autoencoder(keras.Model(image, out), digits)
    assert not fb.passed and "(28, 28, 1)" in fb.message


def test_conv_checker_rejects_no_downsampling(digits):
    fb = checks.check_conv_autoencoder(conv_autoencoder(strides=1), digits)
    assert not fb.passed and "strides" in fb.message


def test_conv_checker_rejects_the_wrong_code_size(digits):
    fb = checks.check_conv_autoencoder(conv_autoencoder(code_size=32), digits)
    assert not fb.passed and "32" in fb.message and "16" in fb.message


def test_conv_checker_rejects_an_untrained_model(digits):
    seed_everything(0)
    fb = checks.check_conv_autoencoder(conv_autoencoder(), digits)
    assert not fb.passed and "trained" in fb.message


def test_conv_checker_reports_a_model_that_cannot_predict(digits, monkeypatch):
    model = conv_autoencoder()

    def broken(*args, **kwargs):
        raise ValueError("no")

    monkeypatch.setattr(model, "predict", broken)
    fb = checks.check_conv_autoencoder(model, digits)
    assert not fb.passed and "could not reconstruct" in fb.message


@pytest.mark.usefixtures("real_mnist_dir")  # skips without the real MNIST; fails under COURSE_REQUIRE_DATA=1
def test_conv_checker_passes_the_solution():
    from course_utils.data import load_mnist

    (x_train, _), (x_test, _) = load_mnist(scale=True, n_train=5000, n_test=1000)
    seed_everything(42)
    model = conv_autoencoder()
    model.compile(optimizer=keras.optimizers.Adam(0.002), loss="binary_crossentropy")
    model.fit(x_train[..., None], x_train[..., None], epochs=2, batch_size=32, verbose=0)
    fb = checks.check_conv_autoencoder(model, x_test[..., None])
    assert fb.passed, fb
    assert not any(ch.isdigit() for ch in fb.message.replace("16", "").replace(str(int(checks.CONV16_MAX_ERROR)), ""))


# --- exercise 2 at the checker's real bar, on a small real-MNIST subset ------------------------

@pytest.fixture(scope="module")
def mnist_5000():
    """The exercise's data: the first 5,000 training and 1,000 test images, (N, 28, 28, 1) in [0, 1]."""
    if not os.environ.get("COURSE_DATA_DIR") and os.environ.get("COURSE_REQUIRE_DATA") != "1":
        pytest.skip("needs MNIST ($COURSE_DATA_DIR)")
    from course_utils.data import load_mnist

    (x_train, _), (x_test, _) = load_mnist(scale=True, n_train=5000, n_test=1000)
    return x_train[..., None], x_test[..., None]


def _trained(x_train, n_images, epochs, batch_size=32, code_size=16):
    seed_everything(42)
    model = conv_autoencoder(code_size=code_size)
    model.compile(optimizer=keras.optimizers.Adam(0.002), loss="binary_crossentropy")
    if epochs:
        model.fit(x_train[:n_images], x_train[:n_images], epochs=epochs, batch_size=batch_size, verbose=0)
    return model


def _error(model, x):
    return float(((model.predict(x, verbose=0) - x) ** 2).reshape(len(x), -1).sum(axis=1).mean())


@pytest.fixture(scope="module")
def right_answer(mnist_5000):
    x_train, _ = mnist_5000
    return _trained(x_train, 5000, epochs=2)


def test_conv_checker_passes_the_exercises_recipe(mnist_5000, right_answer):
    _, x_test = mnist_5000
    fb = checks.check_conv_autoencoder(right_answer, x_test)
    assert fb.passed, fb


def test_conv_checker_rejects_an_under_trained_model_at_its_real_bar(mnist_5000):
    """One epoch on 1,000 images: the model learned something (its error, near 58, is below the
    all-black image's 82), but far less than the exercise's recipe (near 22). Tripling the bar
    (to 105) would let it pass; this test would then fail."""
    x_train, x_test = mnist_5000
    model = _trained(x_train, 1000, epochs=1)
    black = float((x_test ** 2).reshape(len(x_test), -1).sum(axis=1).mean())
    error = _error(model, x_test)
    assert checks.CONV16_MAX_ERROR < error < black, (error, black)
    fb = checks.check_conv_autoencoder(model, x_test)
    assert not fb.passed and "above" in fb.message, fb


def test_conv_checker_rejects_half_the_exercises_training(mnist_5000):
    """A near miss: one epoch instead of two on the 5,000 images. Its error (46.5 with seed 42, 47.2
    with seed 43; two epochs give 21.7) is above the bar of 35 but within half of it again, so a bar
    loosened to 50 lets it pass and fails this test."""
    x_train, x_test = mnist_5000
    model = _trained(x_train, 5000, epochs=1)
    error = _error(model, x_test)
    assert checks.CONV16_MAX_ERROR < error < 1.45 * checks.CONV16_MAX_ERROR, error
    fb = checks.check_conv_autoencoder(model, x_test)
    assert not fb.passed and "above" in fb.message, fb


def test_conv_checker_rejects_the_notebooks_32_number_model(mnist_5000):
    """The notebook's own conv autoencoder (32-number code), even trained, is not the answer."""
    x_train, x_test = mnist_5000
    model = _trained(x_train, 1000, epochs=1, code_size=32)
    fb = checks.check_conv_autoencoder(model, x_test)
    assert not fb.passed and "16" in fb.message, fb


@pytest.mark.parametrize("rescale", [lambda x: x * 255, lambda x: x - 0.5,
                                     lambda x: np.where(np.arange(x.size).reshape(x.shape) == 0, np.nan, x)])
def test_conv_checker_rejects_wrongly_scaled_test_images(mnist_5000, right_answer, rescale):
    _, x_test = mnist_5000
    fb = checks.check_conv_autoencoder(right_answer, rescale(x_test))
    assert not fb.passed and "between 0 and 1" in fb.message, fb


def test_conv_checker_rejects_a_model_trained_on_unscaled_images(mnist_5000):
    """Trained on pixels 0-255 (the scaling forgotten), the model cannot reach the bar."""
    x_train, x_test = mnist_5000
    seed_everything(42)
    model = conv_autoencoder()
    model.compile(optimizer=keras.optimizers.Adam(0.002), loss="mse")
    model.fit(x_train[:1000] * 255, x_train[:1000] * 255, epochs=1, batch_size=32, verbose=0)
    assert not checks.check_conv_autoencoder(model, x_test).passed


def test_conv_checker_rejects_a_model_of_the_wrong_output_shape(digits):
    image = keras.Input(shape=(28, 28, 1))
    h = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(image)
    code = layers.Dense(16)(layers.Flatten()(h))
    out = layers.Reshape((28, 28, 2))(layers.Dense(28 * 28 * 2, activation="sigmoid")(code))
    fb = checks.check_conv_autoencoder(keras.Model(image, out), digits)
    assert not fb.passed and "shape" in fb.message, fb


@pytest.mark.parametrize("scale", [0.75, 1.25])
def test_salt_and_pepper_rejects_a_share_a_quarter_off(scale):
    """Asked for 20%, noise on 15% or 25% of the pixels (a plausible slip: choosing pixels with a
    scaled probability) fails: the checker's share range is 0.18 to 0.22, not wider."""

    def off_share(x, fraction, rng):
        chosen = rng.random(x.shape) < fraction * scale
        salt = rng.random(x.shape) < 0.5
        return np.where(chosen, salt.astype(x.dtype), x)

    fb = checks.check_salt_and_pepper(off_share)
    assert not fb.passed and "changed" in repr(fb), fb


def test_salt_and_pepper_rejects_lopsided_noise():
    """The right share of pixels changed, but 85% of them white and 15% black (a slip such as
    `rng.random(x.shape) < 0.85` for the salt): the checker asks for about half of each."""

    def lopsided(x, fraction, rng):
        chosen = rng.random(x.shape) < fraction
        salt = rng.random(x.shape) < 0.85
        return np.where(chosen, salt.astype(x.dtype), x)

    fb = checks.check_salt_and_pepper(lopsided)
    assert not fb.passed and "half white" in fb.message, fb


def test_conv_checker_rejects_a_diverged_model(digits):
    """A model whose training diverged outputs NaN: every error comparison with NaN is False, so only the
    explicit NaN check keeps it from passing."""
    model = conv_autoencoder()
    weights = model.get_weights()
    weights[-2] = np.full_like(weights[-2], np.nan)  # the output layer's kernel
    model.set_weights(weights)
    fb = checks.check_conv_autoencoder(model, digits)
    assert not fb.passed and "NaN" in fb.message, fb
