"""Checkers of notebooks 05 (the 2-D latent projection) and 06 (codes as features), tested at their
real thresholds with the wrong answers a student is likely to give, on real MNIST where a threshold
is about trained models (small subsets, a few seconds each), and with odd inputs that must get
feedback instead of an exception."""
import os

import numpy as np
import pytest

import course_utils  # noqa: F401  (before keras: quiet TensorFlow start-up)
import keras

from course_utils import checks
from course_utils.checks.features import CODE_FEATURES_MIN_ACCURACY, seeded_draw
from course_utils.evaluation import knn_accuracy, logistic_accuracy
from course_utils.models import build_dense_autoencoder
from course_utils.training import seed_everything

ODD = [None, "abc", 3.5, [1, 2], np.zeros((2, 2)), np.array([np.nan, 1.0]), {"a": 1}, object()]


def _fails_with(fb, *words):
    assert not fb.passed, fb
    for w in words:
        assert w in fb.message, fb.message


@pytest.fixture(scope="module")
def mnist():
    """Real MNIST, scaled and flattened. Skipped only where no data is configured and not required."""
    if not os.environ.get("COURSE_DATA_DIR") and os.environ.get("COURSE_REQUIRE_DATA") != "1":
        pytest.skip("real MNIST: set COURSE_DATA_DIR (CI sets it and COURSE_REQUIRE_DATA=1)")
    from course_utils.data import load_mnist

    return load_mnist(scale=True, flatten=True)


# --- 06, exercise 1: a random draw of 5 distinct images of each digit --------------------------------
def test_balanced_subset_seeded_draw_passes_in_any_order(mnist):
    (_, y), _ = mnist
    draw = seeded_draw(y, 5, seed=0)
    assert checks.check_balanced_subset(draw, y, per_class=5, seed=0).passed
    assert checks.check_balanced_subset(draw[::-1].copy(), y, per_class=5, seed=0).passed
    rng = np.random.default_rng(0)  # the permutation spelling of the same kind of draw
    permuted = np.concatenate([rng.permutation(np.flatnonzero(y == d))[:5] for d in range(10)])
    assert checks.check_balanced_subset(permuted, y, per_class=5, seed=0).passed


def test_balanced_subset_with_replacement_is_rejected_even_without_repeats(mnist):
    (_, y), _ = mnist
    with_replacement = seeded_draw(y, 5, seed=0, replace=True)  # rng.choice's default
    assert len(np.unique(with_replacement)) == len(with_replacement)  # nothing repeats by luck...
    _fails_with(checks.check_balanced_subset(with_replacement, y, per_class=5, seed=0), "WITH replacement")
    # ...and a draw with replacement that does repeat an image
    _fails_with(checks.check_balanced_subset(np.r_[with_replacement[:-1], with_replacement[0]], y, per_class=5,
                                             seed=0), "repeat")


def test_balanced_subset_strided_picks_are_rejected(mnist):
    (_, y), _ = mnist
    for step in (2, 100, 1000):  # every k-th example of each digit
        strided = np.concatenate([np.flatnonzero(y == d)[::step][:5] for d in range(10)])
        _fails_with(checks.check_balanced_subset(strided, y, per_class=5, seed=0), "evenly spaced")
        _fails_with(checks.check_balanced_subset(strided, y, per_class=5), "evenly spaced")
    first = np.concatenate([np.flatnonzero(y == d)[:5] for d in range(10)])
    _fails_with(checks.check_balanced_subset(first, y, per_class=5, seed=0), "consecutive")
    # one strided digit among nine random ones is enough to fail
    draw = seeded_draw(y, 5, seed=0)
    mixed = np.r_[draw[5:], np.flatnonzero(y == 0)[::500][:5]]
    _fails_with(checks.check_balanced_subset(mixed, y, per_class=5, seed=0), "evenly spaced", "[0]")


def test_balanced_subset_another_draw_is_not_the_specified_one(mnist):
    (_, y), _ = mnist
    other = seeded_draw(y, 5, seed=1)
    _fails_with(checks.check_balanced_subset(other, y, per_class=5, seed=0), "not the draw", "default_rng(0)")
    # a new generator made for every digit: the same positions drawn for each
    reseeded = np.concatenate([np.random.default_rng(0).choice(np.flatnonzero(y == d), 5, replace=False)
                               for d in range(10)])
    _fails_with(checks.check_balanced_subset(reseeded, y, per_class=5, seed=0), "once")
    # without a seed the checker accepts any random draw of distinct images
    assert checks.check_balanced_subset(other, y, per_class=5).passed
    _fails_with(checks.check_balanced_subset(seeded_draw(y, 4, seed=0), y, per_class=5, seed=0), "counts per digit")


@pytest.mark.parametrize("odd", ODD + [np.array([0.5, 1.5]), np.array([-1, 3]), np.array([10**9]),
                                       np.array([True, False]), np.zeros((10, 5), dtype=int), "0 1 2"])
def test_balanced_subset_odd_inputs_get_feedback(odd):
    labels = np.random.default_rng(0).permutation(np.arange(2000) % 10)
    fb = checks.check_balanced_subset(odd, labels, per_class=5, seed=0)
    assert not fb.passed and fb.message


def test_balanced_subset_hints_give_no_code():
    labels = np.random.default_rng(0).permutation(np.arange(2000) % 10)
    first = np.concatenate([np.flatnonzero(labels == d)[:5] for d in range(10)])
    replaced = seeded_draw(labels, 5, seed=0, replace=True)
    for wrong in (first, replaced, seeded_draw(labels, 5, seed=3), first[:-1]):
        message = checks.check_balanced_subset(wrong, labels, per_class=5, seed=0).message
        assert "replace=False" not in message and "np.concatenate" not in message, message


# --- 06, exercise 2: a trained 784-256-16 encoder (ReLU, linear code) as a feature extractor ---------------------
@pytest.fixture(scope="module")
def feature_data(mnist):
    """Notebook 06's first 1,000-label draw and 2,000 test images."""
    from course_utils.data import balanced_subset

    (x, y), (x_test, y_test) = mnist
    labelled = balanced_subset(y, 100, seed=0)
    return x, x[labelled], y[labelled], x_test[:2000], y_test[:2000]


def _accuracy(encoder, x_lab, y_lab, x_te, y_te):
    return logistic_accuracy(encoder.predict(x_lab, verbose=0), y_lab, encoder.predict(x_te, verbose=0), y_te).accuracy


def _pca_relu_encoder(x, code_size=16):
    """The exercise's architecture (784-256-16, ReLU hidden units, a linear code) with weights that carry
    the top PCA directions through the ReLUs (each as a pair relu(z) - relu(-z) = z): PCA-16 codes,
    about as informative as a trained encoder's."""
    from sklearn.decomposition import PCA

    pca = PCA(n_components=128, random_state=0).fit(x[:10_000])
    encoder, _, _ = build_dense_autoencoder(hidden_sizes=(256, code_size), activation="relu",
                                            code_activation="linear")
    first, second = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dense)]
    projection = pca.components_.T
    first.set_weights([np.concatenate([projection, -projection], axis=1).astype("float32"),
                       np.concatenate([-pca.mean_ @ projection, pca.mean_ @ projection]).astype("float32")])
    pick = np.zeros((256, code_size), dtype="float32")
    pick[np.arange(code_size), np.arange(code_size)] = 1
    pick[128 + np.arange(code_size), np.arange(code_size)] = -1
    second.set_weights([pick, np.zeros(code_size, dtype="float32")])
    return encoder


def _exercise_autoencoder(code_size=16):
    """The exercise's architecture: 784-256-code_size, ReLU hidden units, a linear code."""
    return build_dense_autoencoder(hidden_sizes=(256, code_size), activation="relu", code_activation="linear")


def test_code_features_right_answer_passes(feature_data):
    x, x_lab, y_lab, x_te, y_te = feature_data
    encoder = _pca_relu_encoder(x)
    accuracy = _accuracy(encoder, x_lab, y_lab, x_te, y_te)
    assert accuracy >= CODE_FEATURES_MIN_ACCURACY + 0.03
    fb = checks.check_code_features(encoder, accuracy, x_lab, y_lab, x_te, y_te)
    assert fb.passed, fb
    # the accuracy of the raw pixels, of another draw, or as a percentage
    raw = logistic_accuracy(x_lab, y_lab, x_te, y_te).accuracy
    _fails_with(checks.check_code_features(encoder, raw, x_lab, y_lab, x_te, y_te), "not what")
    _fails_with(checks.check_code_features(encoder, 100 * accuracy, x_lab, y_lab, x_te, y_te), "not what")
    _fails_with(checks.check_code_features(encoder, (accuracy, 10.0, 0.1), x_lab, y_lab, x_te, y_te), "one number")
    _fails_with(checks.check_code_features(encoder, None, x_lab, y_lab, x_te, y_te), "replace None")
    for odd in ("0.8", float("nan"), [accuracy], object()):
        assert not checks.check_code_features(encoder, odd, x_lab, y_lab, x_te, y_te).passed


def test_code_features_untrained_encoder_fails_at_the_real_threshold(feature_data):
    _, x_lab, y_lab, x_te, y_te = feature_data
    seed_everything(42)
    untrained, _, _ = _exercise_autoencoder()
    assert _accuracy(untrained, x_lab, y_lab, x_te, y_te) < CODE_FEATURES_MIN_ACCURACY - 0.05  # about 0.53
    _fails_with(checks.check_code_features(untrained, 0.6, x_lab, y_lab, x_te, y_te), "untrained", "train")


def test_code_features_under_trained_encoder_fails_at_the_real_threshold(feature_data):
    x, x_lab, y_lab, x_te, y_te = feature_data
    seed_everything(42)
    encoder, _, autoencoder = _exercise_autoencoder()
    autoencoder.compile(optimizer=keras.optimizers.Adam(0.001), loss="binary_crossentropy")
    autoencoder.fit(x[:5000], x[:5000], epochs=1, batch_size=256, verbose=0)  # one short epoch
    accuracy = _accuracy(encoder, x_lab, y_lab, x_te, y_te)
    assert accuracy < CODE_FEATURES_MIN_ACCURACY  # about 0.67
    _fails_with(checks.check_code_features(encoder, accuracy, x_lab, y_lab, x_te, y_te), "below")


def test_code_features_the_notebooks_encoders_and_other_architectures_fail(feature_data):
    _, x_lab, y_lab, x_te, y_te = feature_data
    for code in (32, 128):  # the notebook's own encoders instead of a new one
        encoder, _, _ = _exercise_autoencoder(code)
        _fails_with(checks.check_code_features(encoder, 0.8, x_lab, y_lab, x_te, y_te), "new", f"{code} numbers")
    # the lesson's sigmoid everywhere, a ReLU code, or sigmoid hidden units: not the 32-number model's recipe
    for activation, code_activation in (("sigmoid", None), ("relu", None), ("sigmoid", "linear")):
        other, _, _ = build_dense_autoencoder(hidden_sizes=(256, 16), activation=activation,
                                              code_activation=code_activation)
        _fails_with(checks.check_code_features(other, 0.8, x_lab, y_lab, x_te, y_te), "'relu', 'linear'")
    narrow, _, _ = build_dense_autoencoder(hidden_sizes=(128, 16), activation="relu", code_activation="linear")
    _fails_with(checks.check_code_features(narrow, 0.8, x_lab, y_lab, x_te, y_te), "[256, 16]")
    _, _, autoencoder = _exercise_autoencoder()
    _fails_with(checks.check_code_features(autoencoder, 0.8, x_lab, y_lab, x_te, y_te), "pass its encoder")


@pytest.mark.parametrize("odd", ODD[1:])
def test_code_features_odd_encoders_get_feedback(odd):
    rng = np.random.default_rng(0)
    x, y = rng.random((40, 784)).astype("float32"), np.arange(40) % 10
    fb = checks.check_code_features(odd, 0.8, x, y, x, y)
    assert not fb.passed and fb.message


def test_code_features_model_of_the_wrong_shape_or_nan_gets_feedback():
    rng = np.random.default_rng(0)
    x, y = rng.random((40, 784)).astype("float32"), np.arange(40) % 10
    inputs = keras.Input(shape=(28, 28))
    images = keras.Model(inputs, keras.layers.Dense(16, activation="sigmoid")(keras.layers.Flatten()(inputs)))
    assert not checks.check_code_features(images, 0.8, x, y, x, y).passed
    broken, _, _ = _exercise_autoencoder()
    broken.layers[2].set_weights([np.full((256, 16), np.nan, "float32"), np.zeros(16, "float32")])  # the code layer
    _fails_with(checks.check_code_features(broken, 0.8, x, y, x, y), "NaN")


# --- 05, exercise 3: a trained ReLU 784-128-64-10-2 encoder -------------------------------------------
@pytest.fixture(scope="module")
def map_data(mnist):
    (x, y), (x_test, y_test) = mnist
    return x[:10_000], y[:10_000], x_test[:2000], y_test[:2000]


def _relu_autoencoder(activation="relu", code_activation="linear"):
    seed_everything(42)
    encoder, _, autoencoder = build_dense_autoencoder(hidden_sizes=(128, 64, 10, 2), activation=activation,
                                                      code_activation=code_activation)
    autoencoder.compile(optimizer=keras.optimizers.Adam(0.001), loss="binary_crossentropy")  # exercise 3's recipe
    return encoder, autoencoder


def _knn(encoder, x, y, x_te, y_te):
    return knn_accuracy(encoder.predict(x, verbose=0), y, encoder.predict(x_te, verbose=0), y_te, k=5)


def _clustered_digits(n, seed):
    """Images whose digit is written in them plainly: any ReLU encoder separates them. (A ReLU encoder
    trained on real MNIST as the exercise asks needs the full data and its 30 epochs to pass the bar;
    the solutions notebook shows that one passing. Here: the answer's number, checked in seconds.)"""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    x = 0.05 * rng.random((n, 784))
    for d in range(10):
        x[labels == d, d * 78:(d + 1) * 78] += 1.0
    return x.astype("float32"), labels


def test_relu_encoder_right_answer_and_wrong_numbers():
    x, y = _clustered_digits(300, 0)
    x_te, y_te = _clustered_digits(100, 1)
    encoder, _ = _relu_autoencoder()
    knn = _knn(encoder, x, y, x_te, y_te)
    assert knn >= checks.RELU_2D_MIN_KNN
    fb = checks.check_relu_2d_encoder(encoder, knn, x, y, x_te, y_te)
    assert fb.passed, fb
    # the 5-NN accuracy of the sigmoid map or of PCA, or a percentage
    _fails_with(checks.check_relu_2d_encoder(encoder, knn - 0.1, x, y, x_te, y_te), "too low")
    # a point off (another k, or the codes of another run): close, but not this encoder's accuracy
    _fails_with(checks.check_relu_2d_encoder(encoder, knn - 0.01, x, y, x_te, y_te), "too low")
    _fails_with(checks.check_relu_2d_encoder(encoder, knn + 0.01, x, y, x_te, y_te), "too high")
    _fails_with(checks.check_relu_2d_encoder(encoder, 100 * knn, x, y, x_te, y_te), "too high")
    _fails_with(checks.check_relu_2d_encoder(encoder, None, x, y, x_te, y_te), "now compute")
    for odd in ("0.8", float("nan"), [knn], object()):
        assert not checks.check_relu_2d_encoder(encoder, odd, x, y, x_te, y_te).passed


def test_relu_encoder_a_little_under_the_bar_fails(map_data):
    """20 epochs on 10,000 images: the map has begun to sort the digits (5-NN about 0.53, against
    0.36 after 8 epochs and 0.6 for the bar), so a bar lowered to 0.45 would let it pass."""
    x, y, x_te, y_te = map_data
    encoder, autoencoder = _relu_autoencoder()
    autoencoder.fit(x, x, epochs=20, batch_size=256, verbose=0)
    knn = _knn(encoder, x, y, x_te, y_te)
    assert 0.47 < knn < checks.RELU_2D_MIN_KNN - 0.02, knn
    _fails_with(checks.check_relu_2d_encoder(encoder, knn, x, y, x_te, y_te), "not separate")


def test_relu_encoder_partly_trained_on_real_mnist_is_below_the_bar(map_data):
    """Eight epochs on 10,000 images (a few hundred steps) are far from the exercise's training."""
    x, y, x_te, y_te = map_data
    encoder, autoencoder = _relu_autoencoder()
    autoencoder.fit(x, x, epochs=8, batch_size=256, verbose=0)
    knn = _knn(encoder, x, y, x_te, y_te)
    assert knn < checks.RELU_2D_MIN_KNN
    _fails_with(checks.check_relu_2d_encoder(encoder, knn, x, y, x_te, y_te), "not separate")


def test_relu_encoder_untrained_and_under_trained_fail_at_the_real_threshold(map_data):
    x, y, x_te, y_te = map_data
    encoder, autoencoder = _relu_autoencoder()
    assert _knn(encoder, x, y, x_te, y_te) < checks.RELU_2D_MIN_KNN
    _fails_with(checks.check_relu_2d_encoder(encoder, 0.3, x, y, x_te, y_te), "not separate", "trained")
    autoencoder.fit(x[:1000], x[:1000], epochs=1, batch_size=256, verbose=0)  # four steps of training
    knn = _knn(encoder, x, y, x_te, y_te)
    assert knn < checks.RELU_2D_MIN_KNN
    _fails_with(checks.check_relu_2d_encoder(encoder, knn, x, y, x_te, y_te), "not separate")


def test_relu_encoder_the_notebooks_sigmoid_model_fails(map_data):
    x, y, x_te, y_te = map_data
    sigmoid, _ = _relu_autoencoder(activation="sigmoid")  # notebook 05's own architecture
    _fails_with(checks.check_relu_2d_encoder(sigmoid, 0.8, x, y, x_te, y_te), "ReLU")
    relu_code, _ = _relu_autoencoder(code_activation="relu")
    _fails_with(checks.check_relu_2d_encoder(relu_code, 0.8, x, y, x_te, y_te), "linear")


def test_relu_encoder_hints_give_no_code():
    rng = np.random.default_rng(0)
    x, y = rng.random((50, 784)).astype("float32"), np.arange(50) % 10
    wrong = [_relu_autoencoder(activation="sigmoid")[0], _relu_autoencoder(code_activation="relu")[0],
             build_dense_autoencoder(hidden_sizes=(128, 64, 2), activation="relu", code_activation="linear")[0],
             _relu_autoencoder()[0]]
    for encoder in wrong:
        message = checks.check_relu_2d_encoder(encoder, 0.5, x, y, x, y).message
        for code in ("build_dense_autoencoder(", "fit(", "epochs=", "Adam(", "knn_accuracy("):
            assert code not in message, message


@pytest.mark.parametrize("odd", ODD[1:])
def test_relu_encoder_odd_inputs_get_feedback(odd):
    rng = np.random.default_rng(0)
    x, y = rng.random((50, 784)).astype("float32"), np.arange(50) % 10
    assert not checks.check_relu_2d_encoder(odd, 0.5, x, y, x, y).passed


def test_relu_encoder_nan_codes_get_feedback():
    rng = np.random.default_rng(0)
    x, y = rng.random((50, 784)).astype("float32"), np.arange(50) % 10
    encoder, _ = _relu_autoencoder()
    first = encoder.layers[1]
    first.set_weights([np.full(first.get_weights()[0].shape, np.nan, "float32"), first.get_weights()[1]])
    _fails_with(checks.check_relu_2d_encoder(encoder, 0.5, x, y, x, y), "NaN")


# --- 05, exercises 1 and 2: odd inputs -----------------------------------------------------------------
@pytest.mark.parametrize("odd", ODD[1:])
def test_centroid_checkers_odd_inputs(odd):
    rng = np.random.default_rng(0)
    codes, labels = rng.normal(size=(200, 2)), np.arange(200) % 10
    assert not checks.check_centroids(odd, codes, labels).passed
    centroids = np.stack([codes[labels == d].mean(axis=0) for d in range(10)])
    assert not checks.check_nearest_centroid_accuracy(odd, centroids, codes, labels).passed
    assert not checks.check_nearest_centroid_accuracy(0.5, odd, codes, labels).passed


def test_centroid_hint_gives_no_code():
    rng = np.random.default_rng(0)
    codes, labels = rng.normal(size=(200, 2)), np.arange(200) % 10
    message = checks.check_centroids(np.zeros((10, 2)), codes, labels).message
    assert "mean(axis=0)" not in message and "labels ==" not in message, message
