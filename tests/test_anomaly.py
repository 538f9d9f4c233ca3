"""Notebook 10's helpers: the one-class AUROC, its two figures and its exercise checkers."""
import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import checks
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
    _fails_with(checks.check_threshold(np.quantile(scores, 0.99), scores, labels, 2, accept=0.99), "ALL test images")
    _fails_with(checks.check_threshold(np.quantile(normal, 0.01), scores, labels, 2, accept=0.99), "other tail")
    _fails_with(checks.check_threshold(np.quantile(normal, 0.95), scores, labels, 2, accept=0.99), "Hint")
    _fails_with(checks.check_threshold(None, scores, labels, 2), "Replace None")
    for odd in ODD:
        assert not checks.check_threshold(odd, scores, labels, 2).passed


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


# --- exercise 2: a one-class model and its AUROC ---------------------------------------------

def _synthetic_digits():
    """Digit-0 images are noisy copies of one pattern, the others of other patterns."""
    rng = np.random.default_rng(0)
    patterns = rng.uniform(0, 1, size=(10, 784)) * (rng.uniform(size=(10, 784)) < 0.2)
    labels = np.arange(500) % 10
    x = np.clip(patterns[labels] + rng.normal(0, 0.02, (500, 784)), 0, 1).astype("float32")
    return x, labels, patterns[0]


class _Projector:
    """A stand-in 'trained model': reconstructs every image as its projection on the pattern of 0s."""

    def __init__(self, pattern, flip=False):
        self.p = pattern / np.linalg.norm(pattern)
        self.flip = flip

    def predict(self, x, verbose=0):
        x = np.asarray(x, dtype=np.float64)
        return (x @ self.p)[:, None] * self.p[None, :]


class _Copier:
    """Reconstructs everything perfectly, as a model trained on all digits tends to: no separation."""

    def predict(self, x, verbose=0):
        return np.asarray(x) + 1e-3 * np.random.default_rng(0).normal(size=np.shape(x))


def test_one_class_model_checker():
    x, labels, pattern = _synthetic_digits()
    model = _Projector(pattern)
    errors = ((model.predict(x) - x) ** 2).sum(axis=1)
    auroc = one_class_auroc(errors, labels, 0)
    assert auroc > 0.99
    fb = checks.check_one_class_model(model, auroc, 0, x, labels)
    assert fb.passed, fb
    assert f"{auroc:.3f}" not in repr(fb)
    _fails_with(checks.check_one_class_model(model, 1 - auroc, 0, x, labels), "flipped")
    _fails_with(checks.check_one_class_model(model, 0.5, 0, x, labels), "not its AUROC")
    _fails_with(checks.check_one_class_model(model, None, 0, x, labels), "now replace None")
    _fails_with(checks.check_one_class_model(model, "high", 0, x, labels), "one number")
    _fails_with(checks.check_one_class_model(_Copier(), 0.5, 0, x, labels), "other digits")
    _fails_with(checks.check_one_class_model(None, auroc, 0, x, labels), "Replace None")


def test_one_class_model_checker_never_crashes_on_odd_models():
    x, labels, _ = _synthetic_digits()
    wrong_input = keras.Sequential([keras.Input((10,)), keras.layers.Dense(784)])
    _fails_with(checks.check_one_class_model(wrong_input, 0.9, 0, x, labels), "could not reconstruct")
    untrained = keras.Sequential([keras.Input((784,)), keras.layers.Dense(784, activation="sigmoid")])
    _fails_with(checks.check_one_class_model(untrained, 0.9, 0, x, labels), "too high")
    code_only = keras.Sequential([keras.Input((784,)), keras.layers.Dense(8)])
    _fails_with(checks.check_one_class_model(code_only, 0.9, 0, x, labels), "shape")

    class NaNModel:
        def predict(self, x, verbose=0):
            return np.full(np.shape(x), np.nan)

    _fails_with(checks.check_one_class_model(NaNModel(), 0.9, 0, x, labels), "NaN")
    for odd in ("model", 3, [1, 2], object()):
        assert not checks.check_one_class_model(odd, 0.9, 0, x, labels).passed
