"""Notebook 10's helpers: the one-class AUROC, its two figures and its exercise checkers."""
import os

import course_utils  # noqa: F401  (loads TensorFlow quietly, before Keras)
import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import checks, seed_everything
from course_utils.evaluation import one_class_auroc
from course_utils.plotting import plot_roc_curves, plot_score_histograms

ODD = (None, "lots", [1, 2], np.zeros((2, 3)), {"a": 1}, float("nan"), float("inf"), object())


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _fails_with(fb, *words):
    assert not fb.passed, fb
    for w in words:
        assert w in repr(fb), repr(fb)


# --- one_class_auroc ---------------------------------------------------------------------

def test_auroc_perfect_chance_and_reversed():
    labels = np.array([0, 0, 1, 2, 1, 2])
    assert one_class_auroc([0.1, 0.2, 0.8, 0.9, 0.7, 0.6], labels, 0) == 1.0
    assert one_class_auroc([0.9, 0.8, 0.1, 0.2, 0.3, 0.1], labels, 0) == 0.0
    assert one_class_auroc(np.ones(6), labels, 0) == 0.5          # ties count half
    # one of 8 (normal, anomaly) pairs in the wrong order
    assert one_class_auroc([0.1, 0.65, 0.8, 0.9, 0.7, 0.6], labels, 0) == pytest.approx(7 / 8)


@pytest.mark.parametrize("scores, labels, match", [
    ([0.1, 0.2], [0, 1, 2], "one score per label"),
    ([0.1, np.nan, 0.3], [0, 1, 2], "finite"),
    ([0.1, 0.2, 0.3], [1, 1, 2], "both normal"),
    ([0.1, 0.2, 0.3], [0, 0, 0], "both normal"),
])
def test_auroc_rejects_bad_input(scores, labels, match):
    with pytest.raises(ValueError, match=match):
        one_class_auroc(scores, labels, 0)


# --- figures ------------------------------------------------------------------------------

def test_roc_curves_and_histograms_draw_labelled_axes():
    fig = plot_roc_curves({"a": ([0, 0.5, 1], [0, 0.9, 1]), "b": ([0, 1], [0, 1])}, title="t", mark_fpr=0.05)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 4  # two curves, chance, the marked rate
    assert "false-positive" in ax.get_xlabel() and "true-positive" in ax.get_ylabel()
    rng = np.random.default_rng(0)
    fig = plot_score_histograms(rng.uniform(1, 5, 100), rng.uniform(3, 50, 900), threshold=4.0)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_ylabel() == "share of images"
    heights = [sum(p.get_height() for p in c) for c in ax.containers]
    np.testing.assert_allclose(heights, [1.0, 1.0])  # each histogram sums to one
    fig = plot_score_histograms([-1.0, 0.0], [2.0, 3.0], log_x=False)
    assert fig.axes[0].get_xscale() == "linear"


@pytest.mark.parametrize("call, match", [
    (lambda: plot_roc_curves({}), "empty"),
    (lambda: plot_roc_curves({"a": ([0, 1], [0, 0.5, 1])}), "same length"),
    (lambda: plot_roc_curves({"a": ([0, 1],)}), "pair"),
    (lambda: plot_score_histograms([], [1.0]), "at least one"),
    (lambda: plot_score_histograms([0.0, 1.0], [2.0]), "positive"),
    (lambda: plot_score_histograms([np.nan], [2.0]), "finite"),
])
def test_figures_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- exercise 1: threshold and share caught ------------------------------------------------

def _scores():
    rng = np.random.default_rng(1)
    labels = np.arange(10_000) % 10
    scores = np.where(labels == 2, rng.gamma(4, 5, 10_000), rng.gamma(4, 15, 10_000))
    return scores, labels


def test_threshold_right_answers_pass_wrong_ones_explain():
    scores, labels = _scores()
    normal = scores[labels == 2]
    for method in ("linear", "lower", "higher", "nearest"):
        assert checks.check_threshold(np.quantile(normal, 0.99, method=method), scores, labels, 2, accept=0.99).passed
    fb = checks.check_threshold(np.quantile(normal, 0.99), scores, labels, 2, accept=0.99)
    assert f"{np.quantile(normal, 0.99):.2f}" not in repr(fb)  # the answer is not given away
    _fails_with(checks.check_threshold(np.quantile(scores, 0.99), scores, labels, 2, accept=0.99), "ALL the images")
    _fails_with(checks.check_threshold(np.quantile(normal, 0.01), scores, labels, 2, accept=0.99), "other tail")
    _fails_with(checks.check_threshold(np.quantile(normal, 0.95), scores, labels, 2, accept=0.99), "Hint")
    _fails_with(checks.check_threshold(None, scores, labels, 2), "Replace None")
    for odd in ODD:
        assert not checks.check_threshold(odd, scores, labels, 2).passed


def test_threshold_from_the_test_images_is_refused_even_when_it_accepts_the_right_share():
    """The notebook's exercise: the threshold from the held-out training images of the normal class, never
    from the normal test images, whose quantile accepts about the same share and so needs its own check."""
    rng = np.random.default_rng(4)
    held_out = rng.gamma(4, 5, 600)          # held-out training 2s
    test_normal = rng.gamma(4, 5, 1000)      # the test 2s: the same distribution, other images
    labels = np.full(600, 2)
    kw = dict(accept=0.99, test_normal_scores=test_normal, what="held-out training images")
    for method in ("linear", "lower", "higher", "nearest"):
        fb = checks.check_threshold(np.quantile(held_out, 0.99, method=method), held_out, labels, 2, **kw)
        assert fb.passed and "held-out training images" in repr(fb), fb
    from_test = np.quantile(test_normal, 0.99)
    assert abs(np.mean(held_out <= from_test) - 0.99) <= 0.005  # it would pass on its acceptance alone...
    assert checks.check_threshold(from_test, held_out, labels, 2, accept=0.99).passed
    _fails_with(checks.check_threshold(from_test, held_out, labels, 2, **kw), "TEST images")  # ...but not here
    _fails_with(checks.check_threshold(np.quantile(test_normal, 0.99, method="lower"), held_out, labels, 2, **kw),
                "TEST images")
    _fails_with(checks.check_threshold(np.quantile(held_out, 0.95), held_out, labels, 2, **kw),
                "held-out training images, not 99%")
    _fails_with(checks.check_threshold(np.quantile(held_out, 0.01), held_out, labels, 2, **kw), "other tail")


def test_caught_share_right_answer_passes_wrong_ones_explain():
    scores, labels = _scores()
    t = np.quantile(scores[labels == 2], 0.99)
    right = np.mean(scores[labels != 2] > t)
    fb = checks.check_caught_share(right, scores, labels, 2, t)
    assert fb.passed and f"{right:.3f}" not in repr(fb)
    _fails_with(checks.check_caught_share(1 - right, scores, labels, 2, t), "MISSED")
    _fails_with(checks.check_caught_share(np.mean(scores[labels == 2] > t), scores, labels, 2, t), "NORMAL")
    _fails_with(checks.check_caught_share(np.mean(scores > t), scores, labels, 2, t), "all test images")
    _fails_with(checks.check_caught_share(100 * right, scores, labels, 2, t), "percentage")
    for odd in ODD:
        assert not checks.check_caught_share(odd, scores, labels, 2, t).passed
        assert not checks.check_caught_share(right, scores, labels, 2, odd).passed  # an odd threshold
    _fails_with(checks.check_caught_share(right, scores, labels, 2, None), "threshold first")


def test_caught_share_counts_only_scores_strictly_above_the_threshold():
    """Scores tied with the threshold are not caught: "above" means >, as np.quantile's threshold and
    the notebook's `test_scores > threshold` have it."""
    scores = np.array([0.0, 1.0, 2.0, 3.0, 1.0, 2.0, 2.0, 3.0])
    labels = np.array([2, 2, 2, 2, 5, 5, 5, 5])
    assert checks.check_caught_share(0.25, scores, labels, 2, 2.0).passed
    assert not checks.check_caught_share(0.75, scores, labels, 2, 2.0).passed


def test_caught_share_near_misses_fail_and_rounding_passes():
    """The tolerance is for rounding an answer to three digits, not for a share a few tenths of a
    percentage point off."""
    scores, labels = _scores()
    t = np.quantile(scores[labels == 2], 0.99)
    right = float(np.mean(scores[labels != 2] > t))
    assert checks.check_caught_share(round(right, 3), scores, labels, 2, t).passed
    for off in (-0.003, 0.003):
        _fails_with(checks.check_caught_share(right + off, scores, labels, 2, t), "Hint")


# --- exercise 2: a one-class model and its AUROC ---------------------------------------------

def _synthetic_digits():
    """Digit-0 images are noisy copies of one pattern, the others of other patterns."""
    rng = np.random.default_rng(0)
    patterns = rng.uniform(0, 1, size=(10, 784)) * (rng.uniform(size=(10, 784)) < 0.2)
    labels = np.arange(500) % 10
    x = np.clip(patterns[labels] + rng.normal(0, 0.02, (500, 784)), 0, 1).astype("float32")
    return x, labels, patterns[0]


def _projector(pattern, code_size=8):
    """A stand-in 'trained model', a Keras autoencoder with a ``code_size`` code that reconstructs every
    image as its projection on the pattern of 0s."""
    p = (pattern / np.linalg.norm(pattern)).astype("float32")
    image = keras.Input(shape=(784,))
    code = keras.layers.Dense(code_size, use_bias=False, name="code")(image)
    out = keras.layers.Dense(784, use_bias=False, name="reconstruction")(code)
    model = keras.Model(image, out)
    w_in = np.zeros((784, code_size), "float32")
    w_in[:, 0] = p
    w_out = np.zeros((code_size, 784), "float32")
    w_out[0] = p
    model.get_layer("code").set_weights([w_in])
    model.get_layer("reconstruction").set_weights([w_out])
    return model


def _two_digit_projector(patterns, code_size=8):
    """A model that reconstructs two digits' patterns (as one trained on 0s with 1s mixed in would)."""
    basis, _ = np.linalg.qr(np.stack(patterns, axis=1))  # (784, 2), orthonormal columns
    image = keras.Input(shape=(784,))
    code = keras.layers.Dense(code_size, use_bias=False, name="code")(image)
    out = keras.layers.Dense(784, use_bias=False, name="reconstruction")(code)
    model = keras.Model(image, out)
    w_in = np.zeros((784, code_size), "float32")
    w_in[:, :2] = basis
    model.get_layer("code").set_weights([w_in])
    model.get_layer("reconstruction").set_weights([np.ascontiguousarray(w_in.T)])
    return model


def _copier(code_size=8):
    """Reconstructs everything almost perfectly, as a model trained on all digits tends to: no separation."""
    image = keras.Input(shape=(784,))
    code = keras.layers.Dense(code_size, name="code")(image)
    out = keras.layers.Dense(784, name="reconstruction")(code)
    model = keras.Model(image, keras.layers.Lambda(lambda t: t[1] * 0.0 + t[0])([image, out]))
    return model


def test_one_class_model_checker():
    x, labels, pattern = _synthetic_digits()
    model = _projector(pattern)
    errors = ((model.predict(x, verbose=0) - x) ** 2).sum(axis=1)
    auroc = one_class_auroc(errors, labels, 0)
    assert auroc > 0.99
    fb = checks.check_one_class_model(model, auroc, 0, x, labels)
    assert fb.passed, fb
    assert f"{auroc:.3f}" not in repr(fb)
    _fails_with(checks.check_one_class_model(model, 1 - auroc, 0, x, labels), "flipped")
    _fails_with(checks.check_one_class_model(model, 0.5, 0, x, labels), "not its AUROC")
    for off in (-0.01, 0.005):  # an AUROC from other scores or other images is off by about this much
        _fails_with(checks.check_one_class_model(model, auroc + off, 0, x, labels), "not its AUROC")
    assert checks.check_one_class_model(model, round(auroc, 3), 0, x, labels).passed  # rounding is fine
    _fails_with(checks.check_one_class_model(model, None, 0, x, labels), "now replace None")
    _fails_with(checks.check_one_class_model(model, "high", 0, x, labels), "one number")
    _fails_with(checks.check_one_class_model(_copier(), 0.5, 0, x, labels), "other digits")
    _fails_with(checks.check_one_class_model(None, auroc, 0, x, labels), "Replace None")


def test_one_class_model_checker_rejects_an_auroc_just_under_its_bar():
    """A model that also reconstructs the 1s (trained on 0s with 1s mixed in) scores the 1s like the 0s:
    its AUROC is about 8/9 + 1/18 = 0.94, just under the bar of 0.95, while its normal error is low."""
    x, labels, pattern = _synthetic_digits()
    rng = np.random.default_rng(0)
    patterns = rng.uniform(0, 1, size=(10, 784)) * (rng.uniform(size=(10, 784)) < 0.2)  # _synthetic_digits' own
    assert np.allclose(patterns[0], pattern)
    model = _two_digit_projector([patterns[0], patterns[1]])
    errors = ((model.predict(x, verbose=0) - x) ** 2).sum(axis=1)
    auroc = one_class_auroc(errors, labels, 0)
    assert 0.92 < auroc < 0.95 and errors[labels == 0].mean() < 5, (auroc, errors[labels == 0].mean())
    _fails_with(checks.check_one_class_model(model, auroc, 0, x, labels), f"{auroc:.3f}", "other digits")


def test_one_class_model_checker_wants_the_code_size_and_a_new_model():
    x, labels, pattern = _synthetic_digits()
    notebooks_model = _projector(pattern, code_size=32)  # the notebook's 32-number code
    errors = ((notebooks_model.predict(x, verbose=0) - x) ** 2).sum(axis=1)
    auroc = one_class_auroc(errors, labels, 0)
    _fails_with(checks.check_one_class_model(notebooks_model, auroc, 0, x, labels, code_size=8), "32", "8")
    smaller = _projector(pattern, code_size=4)  # a code smaller than the exercise asks is refused too
    _fails_with(checks.check_one_class_model(smaller, auroc, 0, x, labels, code_size=8), "4", "8")
    model = _projector(pattern, code_size=8)
    _fails_with(checks.check_one_class_model(model, auroc, 0, x, labels, code_size=8,
                                             notebook_models=[notebooks_model, model]), "train a new one")
    assert checks.check_one_class_model(model, auroc, 0, x, labels, code_size=8,
                                        notebook_models=[notebooks_model]).passed


@pytest.mark.parametrize("notebook_models", [None, 3, "models"])
def test_one_class_model_checker_survives_odd_notebook_models(notebook_models):
    x, labels, pattern = _synthetic_digits()
    model = _projector(pattern)
    errors = ((model.predict(x, verbose=0) - x) ** 2).sum(axis=1)
    fb = checks.check_one_class_model(model, one_class_auroc(errors, labels, 0), 0, x, labels,
                                      notebook_models=notebook_models)
    assert fb.passed, fb


def test_one_class_model_checker_never_crashes_on_odd_models():
    x, labels, _ = _synthetic_digits()
    wrong_input = keras.Sequential([keras.Input((10,)), keras.layers.Dense(8), keras.layers.Dense(784)])
    _fails_with(checks.check_one_class_model(wrong_input, 0.9, 0, x, labels), "could not reconstruct")
    untrained = keras.Sequential([keras.Input((784,)), keras.layers.Dense(8),
                                  keras.layers.Dense(784, activation="sigmoid")])
    _fails_with(checks.check_one_class_model(untrained, 0.9, 0, x, labels), "under-trained")
    no_code = keras.Sequential([keras.Input((784,)), keras.layers.Dense(784, activation="sigmoid")])
    _fails_with(checks.check_one_class_model(no_code, 0.9, 0, x, labels), "784", "code of 8")
    code_only = keras.Sequential([keras.Input((784,)), keras.layers.Dense(8)])
    _fails_with(checks.check_one_class_model(code_only, 0.9, 0, x, labels), "shape")

    class NaNModel:
        layers = []

        def predict(self, x, verbose=0):
            return np.full(np.shape(x), np.nan)

    _fails_with(checks.check_one_class_model(NaNModel(), 0.9, 0, x, labels), "code of 8")
    nan_model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(8), keras.layers.Dense(784),
                                  keras.layers.Lambda(lambda t: t * float("nan"))])
    _fails_with(checks.check_one_class_model(nan_model, 0.9, 0, x, labels), "NaN")
    for odd in ("model", 3, [1, 2], object()):
        _fails_with(checks.check_one_class_model(odd, 0.9, 0, x, labels), "Keras model")


# --- exercise 2 at its real bars, on real MNIST (a few seconds of training each) -------------

@pytest.fixture(scope="module")
def mnist():
    if not os.environ.get("COURSE_DATA_DIR") and os.environ.get("COURSE_REQUIRE_DATA") != "1":
        pytest.skip("needs MNIST ($COURSE_DATA_DIR)")
    from course_utils.data import load_mnist

    (x_train, y_train), (x_test, y_test) = load_mnist(scale=True, flatten=True)
    return x_train, y_train, x_test[:2000], y_test[:2000]


def _dense_autoencoder(code_size):
    image = keras.Input(shape=(784,))
    h = keras.layers.Dense(256, activation="relu")(image)
    code = keras.layers.Dense(code_size, name="code")(h)
    h = keras.layers.Dense(256, activation="relu")(code)
    return keras.Model(image, keras.layers.Dense(784, activation="sigmoid")(h))


def _train(x, code_size=8, epochs=10, seed=42):
    """Notebook 10's former recipe (the checker's bars were set with it): Adam with a cosine-decayed rate from
    3e-3, batches of 128, cross-entropy, on all the digit's training images. The notebook now picks 1e-2 on held-out
    normal images and trains on 90% of them; its solution passes the same bars (squared error 11.0 per test 0)."""
    seed_everything(seed)
    model = _dense_autoencoder(code_size)
    steps = max(1, epochs * int(np.ceil(len(x) / 128)))
    schedule = keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="binary_crossentropy")
    if epochs:
        model.fit(x, x, epochs=epochs, batch_size=128, verbose=0)
    return model


def _auroc(model, x, y, digit=0):
    errors = ((model.predict(x, batch_size=1000, verbose=0) - x) ** 2).sum(axis=1)
    return one_class_auroc(errors, y, digit)


@pytest.fixture(scope="module")
def right_model(mnist):
    x_train, y_train, _, _ = mnist
    return _train(x_train[y_train == 0])


def test_real_right_answer_passes(mnist, right_model):
    _, _, x_test, y_test = mnist
    fb = checks.check_one_class_model(right_model, _auroc(right_model, x_test, y_test), 0, x_test, y_test,
                                      code_size=8, notebook_models=[])
    assert fb.passed, fb


def test_real_right_model_passed_as_the_notebooks_own_fails(mnist, right_model):
    _, _, x_test, y_test = mnist
    _fails_with(checks.check_one_class_model(right_model, _auroc(right_model, x_test, y_test), 0, x_test, y_test,
                                             notebook_models=[right_model]), "train a new one")


def test_real_under_trained_model_fails(mnist):
    """The old exercise's 5 epochs (a confounded comparison with the notebook's 10) fall short of the bar."""
    x_train, y_train, x_test, y_test = mnist
    model = _train(x_train[y_train == 0], epochs=5)
    _fails_with(checks.check_one_class_model(model, _auroc(model, x_test, y_test), 0, x_test, y_test),
                "under-trained")


def test_real_untrained_model_fails(mnist):
    _, _, x_test, y_test = mnist
    model = _train(x_test[:10], epochs=0)
    _fails_with(checks.check_one_class_model(model, _auroc(model, x_test, y_test), 0, x_test, y_test),
                "under-trained")


def test_real_model_trained_on_all_digits_fails(mnist):
    """Trained on every digit it reconstructs 0s well enough, but ranks them below the other digits."""
    x_train, _, x_test, y_test = mnist
    model = _train(x_train[:6000], epochs=3)
    fb = checks.check_one_class_model(model, _auroc(model, x_test, y_test), 0, x_test, y_test)
    _fails_with(fb, "other digits")


def test_real_32_number_code_fails(mnist):
    _, _, x_test, y_test = mnist
    model = _train(x_test[:10], code_size=32, epochs=0)
    _fails_with(checks.check_one_class_model(model, 0.99, 0, x_test, y_test), "32", "code of 8")


@pytest.mark.parametrize("rescale", [lambda x: x * 255, lambda x: x / 255])
def test_real_model_trained_on_wrongly_scaled_images_fails(mnist, rescale):
    """The scaling forgotten (0-255) or applied twice (0-1/255): one epoch is enough to see it fail."""
    x_train, y_train, x_test, y_test = mnist
    seed_everything(42)
    model = _dense_autoencoder(8)
    model.compile(optimizer="adam", loss="mse")
    x0 = rescale(x_train[y_train == 0][:2000])
    model.fit(x0, x0, epochs=1, batch_size=128, verbose=0)
    assert not checks.check_one_class_model(model, 0.99, 0, x_test, y_test).passed


@pytest.mark.parametrize("near_miss", [0.97, 0.98, 0.995 - 0.0125])
def test_threshold_near_misses_fail_at_the_real_tolerance(near_miss):
    """Asked for the 99% quantile, a threshold accepting 97%, 98% or 98.25% of the normal images fails:
    the tolerance is half a percent (or one image), not a few percent."""
    scores, labels = _scores()
    normal = scores[labels == 2]
    _fails_with(checks.check_threshold(np.quantile(normal, near_miss), scores, labels, 2, accept=0.99), "Hint")


def test_strict_threshold_exercise_checks_both_answers_in_order():
    """The exercise cell's one call: the threshold from the held-out training 2s (never from the test 2s),
    then the share of test anomalies above it; odd input gets feedback or a clear error."""
    rng = np.random.default_rng(5)
    held_out = rng.gamma(4, 5, 600)
    labels = np.repeat(np.arange(10), 100)
    scores = np.where(labels == 2, rng.gamma(4, 5, 1000), rng.gamma(6, 8, 1000))
    right_t = np.quantile(held_out, 0.99)
    right_caught = np.mean(scores[labels != 2] > right_t)
    fb = checks.check_strict_threshold(right_t, right_caught, held_out, scores, labels)
    assert fb.passed and "99% of the held-out training 2s" in repr(fb) and "caught" in repr(fb), fb
    _fails_with(checks.check_strict_threshold(None, None, held_out, scores, labels), "Replace None")
    _fails_with(checks.check_strict_threshold(np.quantile(scores[labels == 2], 0.99), right_caught, held_out,
                                              scores, labels), "TEST images")
    _fails_with(checks.check_strict_threshold(np.quantile(held_out, 0.95), right_caught, held_out, scores, labels),
                "not 99%")
    _fails_with(checks.check_strict_threshold(right_t, None, held_out, scores, labels), "threshold is right")
    _fails_with(checks.check_strict_threshold(right_t, 1 - right_caught, held_out, scores, labels), "MISSED")
    _fails_with(checks.check_strict_threshold(right_t, np.mean(scores > right_t), held_out, scores, labels),
                "all test images")
    for odd in ODD:
        assert not checks.check_strict_threshold(odd, right_caught, held_out, scores, labels).passed
        assert not checks.check_strict_threshold(right_t, odd, held_out, scores, labels).passed
    with pytest.raises(ValueError, match="same length"):
        checks.check_strict_threshold(right_t, right_caught, held_out, scores, labels[:-1])
