"""Checkers of notebooks 06 (codes as features) and 07 (autoencoder vs PCA): right answers pass,
plausible wrong answers fail, odd inputs get feedback instead of an exception."""
import numpy as np
import pytest

import course_utils  # noqa: F401  (before keras: quiet TensorFlow start-up)
import keras
from sklearn.decomposition import PCA

from course_utils import checks
from course_utils.evaluation import logistic_accuracy, scale_features

ODD = [None, "abc", 3.5, [1, 2], np.zeros((2, 2)), {"a": 1}, object()]


def _fails_with(fb, *words):
    assert not fb.passed, fb
    for w in words:
        assert w in fb.message, fb.message


# --- 06: the random subset ----------------------------------------------------------------------
LABELS = np.random.default_rng(0).permutation(np.arange(2000) % 10)


def test_balanced_subset_random_draw_passes_slices_fail():
    rng = np.random.default_rng(1)
    draw = np.concatenate([rng.choice(np.flatnonzero(LABELS == d), 5, replace=False) for d in range(10)])
    fb = checks.check_balanced_subset(draw, LABELS, per_class=5)
    assert fb.passed, fb
    first = np.concatenate([np.flatnonzero(LABELS == d)[:5] for d in range(10)])
    last = np.concatenate([np.flatnonzero(LABELS == d)[-5:] for d in range(10)])
    middle = np.concatenate([np.flatnonzero(LABELS == d)[40:45] for d in range(10)])
    for wrong in (first, last, middle, np.sort(first)):
        _fails_with(checks.check_balanced_subset(wrong, LABELS, per_class=5), "consecutive")
    _fails_with(checks.check_balanced_subset(draw[:-1], LABELS, per_class=5), "counts per digit")
    _fails_with(checks.check_balanced_subset(np.r_[draw[:-1], draw[0]], LABELS, per_class=5), "repeat")


@pytest.mark.parametrize("odd", ODD[1:] + [np.array([0.5, 1.5]), np.array([-1, 3]), np.array([5000]),
                                           np.array([True, False])])
def test_balanced_subset_odd_inputs_get_feedback(odd):
    assert not checks.check_balanced_subset(odd, LABELS, per_class=5).passed


def test_balanced_subset_unanswered():
    _fails_with(checks.check_balanced_subset(None, LABELS), "Replace None")


@pytest.mark.parametrize("odd", ODD)
def test_best_input_odd(odd):
    assert not checks.check_best_input(odd, {"raw": 0.8, "code": 0.9}).passed


def test_best_input_success_has_no_digits():
    fb = checks.check_best_input("code", {"raw": 0.8, "code": 0.9})
    assert fb.passed and not any(ch.isdigit() for ch in fb.message)


# --- 06: codes as features, the 16-number encoder --------------------------------------------------
def _data():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(10, 784))
    y = np.arange(600) % 10
    x = np.clip(0.5 + 0.15 * centres[y] + 0.05 * rng.normal(size=(600, 784)), 0, 1)
    return x[:200], y[:200], x[200:], y[200:]


def _pca_encoder(x, k):
    """A 'trained' encoder of the exercise's architecture (784-256-k, ReLU hidden units, a linear code):
    the top PCA directions carried through the ReLUs as pairs, relu(z) - relu(-z) = z."""
    from course_utils.models import build_dense_autoencoder

    pca = PCA(n_components=min(128, len(x))).fit(x)
    n = pca.n_components_
    encoder, _, _ = build_dense_autoencoder(hidden_sizes=(256, k), activation="relu", code_activation="linear")
    first, second = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dense)]
    w1 = np.zeros((784, 256), "float32")
    w1[:, :n], w1[:, 128:128 + n] = pca.components_.T, -pca.components_.T
    b1 = np.zeros(256, "float32")
    b1[:n], b1[128:128 + n] = -pca.mean_ @ pca.components_.T, pca.mean_ @ pca.components_.T
    first.set_weights([w1, b1])
    w2 = np.zeros((256, k), "float32")
    w2[np.arange(k), np.arange(k)], w2[128 + np.arange(k), np.arange(k)] = 1, -1
    second.set_weights([w2, np.zeros(k, "float32")])
    return encoder


def test_code_features_right_and_wrong():
    x_lab, y_lab, x_te, y_te = _data()
    enc = _pca_encoder(x_lab, 16)
    acc = logistic_accuracy(enc.predict(x_lab, verbose=0), y_lab, enc.predict(x_te, verbose=0), y_te).accuracy
    fb = checks.check_code_features(enc, acc, x_lab, y_lab, x_te, y_te)
    assert fb.passed, fb
    assert not any(ch.isdigit() for ch in fb.message.replace("16", ""))
    # the accuracy on raw pixels instead of the codes, or on the training images
    raw = logistic_accuracy(x_lab, y_lab, x_te, y_te).accuracy
    _fails_with(checks.check_code_features(enc, raw - 0.2, x_lab, y_lab, x_te, y_te), "not what")
    # a point off (another draw of labelled images, another model's run): close, but not this encoder's
    for near in (acc - 0.01, acc + 0.01):
        _fails_with(checks.check_code_features(enc, near, x_lab, y_lab, x_te, y_te), "not what")
    _fails_with(checks.check_code_features(enc, None, x_lab, y_lab, x_te, y_te), "replace None")
    _fails_with(checks.check_code_features(enc, "0.9", x_lab, y_lab, x_te, y_te), "should be a number")
    _fails_with(checks.check_code_features(enc, (acc, 1.0, 0.1), x_lab, y_lab, x_te, y_te), "one number")
    # a 32-number code (such as the notebook's own encoder)
    _fails_with(checks.check_code_features(_pca_encoder(x_lab, 32), acc, x_lab, y_lab, x_te, y_te), "16-number")
    # the untrained and under-trained encoders at the real threshold: tests/test_checks_latent_features.py


@pytest.mark.parametrize("odd", ODD[1:])
def test_code_features_odd_encoders(odd):
    x_lab, y_lab, x_te, y_te = _data()
    assert not checks.check_code_features(odd, 0.8, x_lab, y_lab, x_te, y_te).passed


def test_code_features_model_with_wrong_input():
    x_lab, y_lab, x_te, y_te = _data()
    inputs = keras.Input(shape=(28, 28))
    wrong = keras.Model(inputs, keras.layers.Dense(16)(keras.layers.Flatten()(inputs)))
    assert not checks.check_code_features(wrong, 0.8, x_lab, y_lab, x_te, y_te).passed
    _fails_with(checks.check_code_features(None, 0.8, x_lab, y_lab, x_te, y_te), "Replace None")


# --- 07: PCA error, per-pixel MSE, the code-size exercise ---------------------------------------
import os  # noqa: E402  (07's tests need real MNIST)

from course_utils.data import load_mnist  # noqa: E402


@pytest.mark.parametrize("odd", ODD)
def test_pca_error_and_mse_odd(odd):
    x = np.random.default_rng(0).random((50, 784))
    pca = PCA(n_components=3).fit(x)
    assert not checks.check_pca_error(odd, pca, x).passed
    assert not checks.check_per_pixel_mse(odd, 7.84).passed
    assert not checks.check_pca_error(float("nan"), pca, x).passed
    assert not checks.check_per_pixel_mse(float("nan"), 7.84).passed


@pytest.fixture(scope="module")
def mnist_07():
    """The first 6,000 training and 2,000 test images of real MNIST, flattened, in [0, 1]."""
    if not os.environ.get("COURSE_DATA_DIR") and os.environ.get("COURSE_REQUIRE_DATA") != "1":
        pytest.skip("real MNIST: set COURSE_DATA_DIR (CI sets it and COURSE_REQUIRE_DATA=1)")
    (x_train, _), (x_test, _) = load_mnist(scale=True, flatten=True, n_train=6000, n_test=2000)
    return x_train, x_test


def test_pca_error_right_and_usual_slips(mnist_07):
    x_train, x_test = mnist_07
    pca = PCA(n_components=8, random_state=0).fit(x_train)
    squared = (x_test - pca.inverse_transform(pca.transform(x_test))) ** 2
    right = squared.sum(axis=1).mean()
    assert checks.check_pca_error(right, pca, x_test).passed
    assert checks.check_pca_error(np.float32(right), pca, x_test).passed
    _fails_with(checks.check_pca_error(squared.mean(), pca, x_test), "mean over pixels")  # Keras' MSE
    _fails_with(checks.check_pca_error(squared.sum(axis=0).mean(), pca, x_test), "axis 0")  # wrong axis
    _fails_with(checks.check_pca_error(np.sqrt(right), pca, x_test), "square root")
    _fails_with(checks.check_pca_error(squared.sum(axis=1), pca, x_test), "one number")  # not averaged
    x255 = x_test * 255  # unscaled pixels
    wrong_scale = ((x255 - pca.inverse_transform(pca.transform(x255))) ** 2).sum(axis=1).mean()
    _fails_with(checks.check_pca_error(wrong_scale, pca, x_test), "too high")


def test_per_pixel_mse_right_and_usual_slips():
    error = 13.87
    assert checks.check_per_pixel_mse(error / 784, error).passed
    _fails_with(checks.check_per_pixel_mse(error * 784, error), "divide")
    _fails_with(checks.check_per_pixel_mse(error / 28, error), "28 x 28")
    _fails_with(checks.check_per_pixel_mse(error / 784 ** 2, error), "too low")
    _fails_with(checks.check_per_pixel_mse(error, error), "too high")


def _autoencoder(code, x=None, code_activation=None, output_activation="sigmoid", epochs=4):
    """07's short recipe on a subset: 784-256-code (SiLU), mirrored, Adam(0.003), cross-entropy."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(784,))
    h = keras.layers.Dense(code, activation=code_activation)(keras.layers.Dense(256, activation="silu")(inputs))
    outputs = keras.layers.Dense(784, activation=output_activation)(keras.layers.Dense(256, activation="silu")(h))
    model = keras.Model(inputs, outputs)
    if x is not None:
        model.compile(optimizer=keras.optimizers.Adam(0.003), loss="binary_crossentropy")
        model.fit(x, x, epochs=epochs, batch_size=64, verbose=0)
    return model


def test_code_size_autoencoder_at_the_real_bar(mnist_07):
    x_train, x_test = mnist_07
    pca = PCA(n_components=16, random_state=0).fit(x_train)
    trained = _autoencoder(16, x_train)
    fb = checks.check_code_size_autoencoder(trained, 16, pca, x_test)
    assert fb.passed, fb
    assert not any(ch.isdigit() for ch in fb.message.replace("16", ""))
    # untrained, and under-trained (one epoch on 500 images): not below PCA-16's error
    _fails_with(checks.check_code_size_autoencoder(_autoencoder(16), 16, pca, x_test), "Hint: train")
    _fails_with(checks.check_code_size_autoencoder(_autoencoder(16, x_train[:500], epochs=1), 16, pca, x_test),
                "Hint: train")
    # the notebook's own 30-number model where the exercise asks for a new 16-number one
    _fails_with(checks.check_code_size_autoencoder(_autoencoder(30), 16, pca, x_test), "narrowest")
    # a ReLU code where the exercise asks for a linear one; an output without sigmoid
    _fails_with(checks.check_code_size_autoencoder(_autoencoder(16, code_activation="relu"), 16, pca, x_test),
                "linear code")
    _fails_with(checks.check_code_size_autoencoder(_autoencoder(16, output_activation=None), 16, pca, x_test),
                "sigmoid")
    # the encoder alone; wrongly scaled test images (x*255, x/255 twice)
    encoder_only = keras.Model(trained.inputs, trained.layers[2].output)
    _fails_with(checks.check_code_size_autoencoder(encoder_only, 16, pca, x_test), "shape")
    _fails_with(checks.check_code_size_autoencoder(trained, 16, pca, x_test * 255), "[0, 1]")
    _fails_with(checks.check_code_size_autoencoder(trained, 16, pca, x_test / 255), "scaled once")


@pytest.mark.parametrize("odd", ODD)
def test_code_size_autoencoder_odd(odd):
    x = np.random.default_rng(0).random((20, 784))
    pca = PCA(n_components=4).fit(x)
    assert not checks.check_code_size_autoencoder(odd, 4, pca, x).passed
    model = _autoencoder(4)
    assert not checks.check_code_size_autoencoder(model, 4, pca, odd).passed  # odd test images
    assert not checks.check_code_size_autoencoder(model, 4, pca, np.full((20, 784), np.nan)).passed


def test_scale_features_keeps_relative_scales():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 3)) * [10.0, 1.0, 0.1]
    a, b = scale_features(x, x[:5])
    np.testing.assert_allclose((a ** 2).sum(1).mean(), 1.0)
    ratios = a.std(0) / x.std(0)
    np.testing.assert_allclose(ratios, ratios[0])  # one scale for every feature: no whitening
    np.testing.assert_allclose(b, a[:5])


def test_code_size_autoencoder_rejects_a_diverged_model(mnist_07):
    """NaN outputs compare False with PCA's error, so only the explicit check keeps a diverged model out."""
    x_train, x_test = mnist_07
    pca = PCA(n_components=16, random_state=0).fit(x_train[:2000])
    model = _autoencoder(16)
    weights = model.get_weights()
    weights[-2] = np.full_like(weights[-2], np.nan)  # the output layer's kernel
    model.set_weights(weights)
    _fails_with(checks.check_code_size_autoencoder(model, 16, pca, x_test), "NaN")
