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
