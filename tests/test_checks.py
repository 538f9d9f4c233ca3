import keras
import numpy as np

from course_utils import checks


def _fails_with(fb, *words):
    assert not fb.passed, fb
    for w in words:
        assert w in repr(fb), repr(fb)


def test_unanswered_is_friendly():
    _fails_with(checks.check_compression_ratio(None), "Replace None")


def test_compression_ratio():
    assert checks.check_compression_ratio(24.5).passed
    _fails_with(checks.check_compression_ratio(32 / 784), "too low", "Hint")
    _fails_with(checks.check_compression_ratio("lots"), "should be a number")


def test_prepare_images():
    assert checks.check_prepare_images(lambda x: x.reshape(len(x), -1).astype("float32") / 255).passed
    _fails_with(checks.check_prepare_images(lambda x: x.reshape(len(x), -1).astype("float32")), "divided by 255")
    _fails_with(checks.check_prepare_images(lambda x: x.astype("float32") / 255), "(3, 784)")
    _fails_with(checks.check_prepare_images(lambda x: x.reshape(len(x), -1) / 255), "float32")
    _fails_with(checks.check_prepare_images(lambda x: 1 / 0), "ZeroDivisionError")
    _fails_with(checks.check_prepare_images(lambda x: None), "returns None")


def test_decoder_params():
    assert checks.check_decoder_param_count(234_512).passed
    _fails_with(checks.check_decoder_param_count(128 * 256 + 256 * 784), "too low", "biases")


def _encoder(hidden=64, act="relu", code=32):
    inputs = keras.Input(shape=(784,))
    h = keras.layers.Dense(hidden, activation=act)(inputs)
    return keras.Model(inputs, keras.layers.Dense(code)(h))


def test_small_encoder():
    assert checks.check_small_encoder(_encoder()).passed
    _fails_with(checks.check_small_encoder(_encoder(code=16)), "(None, 32)")
    _fails_with(checks.check_small_encoder(_encoder(hidden=128)), "parameters")
    _fails_with(checks.check_small_encoder(_encoder(act="sigmoid")), "ReLU")
    _fails_with(checks.check_small_encoder("model"), "keras.Model")


def test_steps_per_epoch():
    assert checks.check_steps_per_epoch(215).passed
    _fails_with(checks.check_steps_per_epoch(214), "round up")


class _Identity:
    def predict(self, x, verbose=0):
        return x * 0.5


def test_test_mse():
    x = np.random.default_rng(0).random((20, 784))
    expected = np.mean((x * 0.5 - x) ** 2)
    assert checks.check_test_mse(expected, _Identity(), x).passed
    _fails_with(checks.check_test_mse(expected * 784, _Identity(), x), "too high")


ERRORS = np.array([0.1, 0.5, 0.2, 0.9, 0.3] * 4)
LABELS = np.arange(20) % 10


def test_class_median_errors():
    errors = np.arange(30.0) ** 2
    labels = np.arange(30) % 10
    good = np.array([np.median(errors[labels == d]) for d in range(10)])
    assert checks.check_class_median_errors(good, errors, labels).passed
    means = np.array([errors[labels == d].mean() for d in range(10)])
    _fails_with(checks.check_class_median_errors(means, errors, labels), "values differ", "np.median")
    _fails_with(checks.check_class_median_errors(good[:9], errors, labels), "shape (10,)")


def test_worst_of_digit():
    errors = np.linspace(0, 1, 20)
    assert checks.check_worst_of_digit(13, errors, LABELS, 3).passed
    _fails_with(checks.check_worst_of_digit(3, errors, LABELS, 3), "not the worst 3")
    _fails_with(checks.check_worst_of_digit(14, errors, LABELS, 3), "is a 4")


def test_centroids_and_nearest_centroid_accuracy():
    codes = np.random.default_rng(0).normal(size=(20, 2))
    cents = np.stack([codes[LABELS == d].mean(0) for d in range(10)])
    assert checks.check_centroids(cents, codes, LABELS).passed
    _fails_with(checks.check_centroids(cents.T, codes, LABELS), "shape (10, 2)")
    pred = ((codes[:, None] - cents[None]) ** 2).sum(-1).argmin(1)
    acc = (pred == LABELS).mean()
    assert checks.check_nearest_centroid_accuracy(acc, cents, codes, LABELS).passed
    _fails_with(checks.check_nearest_centroid_accuracy(acc * 100, cents, codes, LABELS), "fraction")


def test_balanced_subset_and_best_input():
    labels = np.arange(100) % 10
    assert checks.check_balanced_subset(np.arange(20), labels, per_class=2).passed
    _fails_with(checks.check_balanced_subset(np.arange(19), labels, per_class=2), "counts per digit")
    _fails_with(checks.check_balanced_subset(np.array([0, 0, 1]), labels, per_class=2), "repeat")
    acc = {"raw": 0.8, "code": 0.9}
    assert checks.check_best_input("code", acc).passed
    _fails_with(checks.check_best_input("raw", acc), "another input does better")
    _fails_with(checks.check_best_input("pixels", acc), "not one of the inputs")


def test_pca_error_and_per_pixel_mse():
    from sklearn.decomposition import PCA
    x = np.random.default_rng(0).random((50, 784))
    pca = PCA(n_components=3).fit(x)
    err = ((x - pca.inverse_transform(pca.transform(x))) ** 2).sum(1).mean()
    assert checks.check_pca_error(err, pca, x).passed
    _fails_with(checks.check_pca_error(err / 784, pca, x), "too low", "sum")
    assert checks.check_per_pixel_mse(784 * 0.01 / 784 * 1, 0.01 * 784).passed
    _fails_with(checks.check_per_pixel_mse(7.84, 7.84), "too high")


def test_kl_and_sampling():
    def kl(mean, log_var):
        return -0.5 * np.sum(1 + log_var - mean ** 2 - np.exp(log_var), axis=-1)

    assert checks.check_kl_function(kl).passed
    _fails_with(checks.check_kl_function(lambda m, v: -kl(m, v)), "sign")
    _fails_with(checks.check_kl_function(lambda m, v: kl(m, v).sum()), "axis=-1")
    _fails_with(checks.check_kl_function(lambda m, v: kl(m, np.log(v ** 2 + 1))), "differ")

    def sample(mean, log_var, rng):
        return mean + np.exp(0.5 * log_var) * rng.standard_normal(mean.shape)

    assert checks.check_sampling(sample).passed
    _fails_with(checks.check_sampling(lambda m, v, rng: m + np.exp(v) * rng.standard_normal(m.shape)), "variance")
    _fails_with(checks.check_sampling(lambda m, v, rng: m), "standard deviations")
    _fails_with(checks.check_sampling(lambda m, v, rng: None), "returns None")
