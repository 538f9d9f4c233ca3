"""Checkers of notebook 12 (a map that keeps neighbours): right answers pass, plausible wrong answers
fail, odd inputs get feedback instead of an exception."""
import numpy as np
import pytest

import course_utils  # noqa: F401  (before keras: quiet TensorFlow start-up)
import keras
from keras import ops

from course_utils import checks

ODD = [None, "abc", 3.5, [1, 2], np.zeros((2, 2)), {"a": 1}, object()]


def _fails_with(fb, *words):
    assert not fb.passed, fb
    for w in words:
        assert w in fb.message, fb.message


# --- exercise 1: the fuzzy cross-entropy in keras.ops ---------------------------------------------

def right(d2, w, a, b):
    q = 1.0 / (1.0 + a * ops.power(d2, b))
    return -(w * ops.log(q) + (1.0 - w) * ops.log(1.0 - q))


def test_reference_is_the_cross_entropy():
    d2, w = np.array([0.5, 4.0]), np.array([1.0, 0.0])
    q = 1 / (1 + 1.577 * d2 ** 0.895)
    assert np.allclose(checks.fuzzy_cross_entropy(d2, w, 1.577, 0.895), [-np.log(q[0]), -np.log(1 - q[1])])
    # pulling an edge closer lowers its cost; pushing a non-edge away lowers its cost
    assert checks.fuzzy_cross_entropy(0.1, 1.0, 1.577, 0.895) < checks.fuzzy_cross_entropy(1.0, 1.0, 1.577, 0.895)
    assert checks.fuzzy_cross_entropy(9.0, 0.0, 1.577, 0.895) < checks.fuzzy_cross_entropy(1.0, 0.0, 1.577, 0.895)


def test_fuzzy_cross_entropy_right_answer_passes_without_digits():
    fb = checks.check_fuzzy_cross_entropy(right)
    assert fb.passed, fb
    assert not any(ch.isdigit() for ch in fb.message)


@pytest.mark.parametrize("wrong, words", [
    (lambda d2, w, a, b: -w * ops.log(1.0 / (1.0 + a * ops.power(d2, b))), ["attraction"]),
    (lambda d2, w, a, b: -right(d2, w, a, b), ["sign"]),
    (lambda d2, w, a, b: ops.sum(right(d2, w, a, b)), ["one value per pair"]),
    (lambda d2, w, a, b: right(ops.sqrt(d2), w, a, b), ["differ"]),          # distance instead of squared
    (lambda d2, w, a, b: right(d2, w, a, 1.0), ["differ"]),                  # forgot the exponent b
    (lambda d2, w, a, b: w * ops.log(1.0 / (1.0 + a * ops.power(d2, b))) * 0 + 1.0, ["differ"]),
    # near misses the tolerance (float32 rounding, not a few per cent) must still catch
    (lambda d2, w, a, b: right(d2, w, 1.6, b), ["differ"]),                  # a rounded to 1.6
    (lambda d2, w, a, b: right(d2, w, a, 0.9), ["differ"]),                  # b rounded to 0.9
    (lambda d2, w, a, b: 1.05 * right(d2, w, a, b), ["differ"]),             # five per cent off
])
def test_fuzzy_cross_entropy_wrong_answers_fail(wrong, words):
    _fails_with(checks.check_fuzzy_cross_entropy(wrong), *words)


@pytest.mark.parametrize("odd", ODD + [lambda d2, w, a, b: None, lambda d2, w, a, b: "x",
                                       lambda d2, w, a, b: 1 / 0, lambda d2: d2, lambda *args: np.nan])
def test_fuzzy_cross_entropy_odd_input_gets_feedback(odd):
    fb = checks.check_fuzzy_cross_entropy(odd)
    assert not fb.passed and fb.message


# --- exercise 2: a small map, trained --------------------------------------------------------------

RNG = np.random.default_rng(0)
N_TRAIN, N_TEST = 3000, 600
Y_TRAIN, Y_TEST = RNG.integers(0, 10, N_TRAIN), RNG.integers(0, 10, N_TEST)
CENTRES = RNG.normal(0, 6, (10, 50)).astype("float32")
P_TRAIN = (CENTRES[Y_TRAIN] + RNG.normal(0, 1, (N_TRAIN, 50))).astype("float32")
P_TEST = (CENTRES[Y_TEST] + RNG.normal(0, 1, (N_TEST, 50))).astype("float32")


def _encoder(hidden=(64,), seed=0):
    keras.utils.set_random_seed(seed)
    layers = [keras.layers.Dense(u, activation="relu") for u in hidden]
    return keras.Sequential([keras.Input(shape=(50,)), *layers, keras.layers.Dense(2)])


def _fit_to_class_centres(encoder):
    """Teach the encoder a clean 2-D map of the synthetic digits (10 points on a circle)."""
    angles = 2 * np.pi * np.arange(10) / 10
    targets = np.stack([np.cos(angles), np.sin(angles)], 1)[Y_TRAIN] * 10
    encoder.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    encoder.fit(P_TRAIN, targets, epochs=30, batch_size=256, verbose=0)
    return encoder


def test_small_map_trained_passes_untrained_fails():
    trained = _fit_to_class_centres(_encoder())
    fb = checks.check_small_map(trained, P_TRAIN, Y_TRAIN, P_TEST, Y_TEST)
    assert fb.passed, fb
    assert not any(ch.isdigit() for ch in fb.message.replace("50-64-2", ""))
    # a constant map (all codes equal) cannot tell digits apart
    constant = _encoder()
    for layer in constant.layers:
        layer.set_weights([np.zeros_like(v) for v in layer.get_weights()])
    _fails_with(checks.check_small_map(constant, P_TRAIN, Y_TRAIN, P_TEST, Y_TEST), "below")


def test_small_map_wrong_architecture_fails():
    _fails_with(checks.check_small_map(_encoder(hidden=(256, 256)), P_TRAIN, Y_TRAIN, P_TEST, Y_TEST), "one hidden layer")
    _fails_with(checks.check_small_map(_encoder(hidden=(32,)), P_TRAIN, Y_TRAIN, P_TEST, Y_TEST), "one hidden layer")
    wrong_io = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(64), keras.layers.Dense(2)])
    _fails_with(checks.check_small_map(wrong_io, P_TRAIN, Y_TRAIN, P_TEST, Y_TEST), "(None, 50)")
    three_d = keras.Sequential([keras.Input(shape=(50,)), keras.layers.Dense(64), keras.layers.Dense(3)])
    _fails_with(checks.check_small_map(three_d, P_TRAIN, Y_TRAIN, P_TEST, Y_TEST), "(None, 2)")


def test_small_map_nan_codes_fail():
    broken = _encoder()
    weights = broken.layers[-1].get_weights()
    broken.layers[-1].set_weights([np.full_like(weights[0], np.nan), weights[1]])
    _fails_with(checks.check_small_map(broken, P_TRAIN, Y_TRAIN, P_TEST, Y_TEST), "NaN")


@pytest.mark.parametrize("odd", ODD)
def test_small_map_odd_input_gets_feedback(odd):
    fb = checks.check_small_map(odd, P_TRAIN, Y_TRAIN, P_TEST, Y_TEST)
    assert not fb.passed and fb.message


# --- exercise 2 at its real threshold, on real MNIST (PCA-50 of the first 20,000 training digits) ---

import os  # noqa: E402


@pytest.fixture(scope="module")
def mnist_pca():
    if not os.environ.get("COURSE_DATA_DIR") and os.environ.get("COURSE_REQUIRE_DATA") != "1":
        pytest.skip("real MNIST needed: set COURSE_DATA_DIR")
    from sklearn.decomposition import PCA

    from course_utils.data import load_mnist

    (x_train, y_train), (x_test, y_test) = load_mnist(scale=True, flatten=True, n_train=20_000, n_test=2_000)
    pca = PCA(n_components=50, random_state=0).fit(x_train)
    return (pca.transform(x_train).astype("float32"), y_train, pca.transform(x_test).astype("float32"), y_test)


def _pca_plane_encoder():
    """A 50-64-2 ReLU network that outputs exactly the first two principal components (a linear map,
    as PCA's 2-D projection): relu(p) - relu(-p) in its first four hidden units."""
    encoder = _encoder()
    w1 = np.zeros((50, 64), "float32")
    w1[0, 0], w1[0, 1], w1[1, 2], w1[1, 3] = 1, -1, 1, -1
    w2 = np.zeros((64, 2), "float32")
    w2[0, 0], w2[1, 0], w2[2, 1], w2[3, 1] = 1, -1, 1, -1
    encoder.layers[0].set_weights([w1, np.zeros(64, "float32")])
    encoder.layers[1].set_weights([w2, np.zeros(2, "float32")])
    return encoder


def test_small_map_real_threshold_rejects_untrained_and_linear_maps(mnist_pca):
    p_train, y_train, p_test, y_test = mnist_pca
    untrained = checks.check_small_map(_encoder(seed=1), p_train, y_train, p_test, y_test)
    _fails_with(untrained, "below", "not trained enough")
    plane = _pca_plane_encoder()
    np.testing.assert_allclose(plane.predict(p_test[:5], verbose=0), p_test[:5, :2], atol=1e-5)
    _fails_with(checks.check_small_map(plane, p_train, y_train, p_test, y_test), "below")


def test_small_map_real_threshold_rejects_the_notebooks_wide_encoder(mnist_pca):
    p_train, y_train, p_test, y_test = mnist_pca
    wide = _encoder(hidden=(256, 256))  # build_encoder() of the notebook, passed instead of the new one
    _fails_with(checks.check_small_map(wide, p_train, y_train, p_test, y_test), "one hidden layer")


def _map_towards_a_circle(p_train, y_train, epochs, seed=2):
    """A 50-64-2 map trained to put each digit of the first 5,000 images on its own point of a circle."""
    encoder = _encoder(seed=seed)
    angles = 2 * np.pi * np.arange(10) / 10
    targets = np.stack([np.cos(angles), np.sin(angles)], 1)[y_train[:5000]] * 5
    encoder.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    encoder.fit(p_train[:5000], targets, epochs=epochs, batch_size=256, verbose=0)
    return encoder


def test_small_map_real_threshold_accepts_a_trained_map(mnist_pca):
    p_train, y_train, p_test, y_test = mnist_pca
    encoder = _map_towards_a_circle(p_train, y_train, epochs=5)  # 5-NN accuracy 0.667 (seed 3: 0.668)
    assert checks.check_small_map(encoder, p_train, y_train, p_test, y_test).passed


def test_small_map_real_threshold_rejects_a_map_just_under_the_bar(mnist_pca):
    """The same map after one epoch instead of five: it has begun to sort the digits (5-NN accuracy
    0.462, seed 3: 0.469; untrained about 0.35) but stays under the bar of 0.50. A bar lowered to
    0.42 or below lets it pass and fails this test."""
    p_train, y_train, p_test, y_test = mnist_pca
    encoder = _map_towards_a_circle(p_train, y_train, epochs=1)
    from sklearn.neighbors import KNeighborsClassifier

    codes = [encoder.predict(p, batch_size=4096, verbose=0) for p in (p_train[:20_000], p_test[:2_000])]
    accuracy = KNeighborsClassifier(n_neighbors=5).fit(codes[0], y_train[:20_000]).score(codes[1], y_test[:2_000])
    assert 0.44 < accuracy < checks.SMALL_MAP_5NN, accuracy
    _fails_with(checks.check_small_map(encoder, p_train, y_train, p_test, y_test), "below", "not trained enough")


@pytest.mark.parametrize("args", [(None, None, None, None), ("a", "b", "c", "d"), (np.zeros(3), [], 1, 2)])
def test_small_map_odd_data_gets_feedback(args):
    fb = checks.check_small_map(_encoder(), *args)
    assert not fb.passed and fb.message
