import keras
import numpy as np

from course_utils import checks


def _fails_with(fb, *words):
    assert not fb.passed, fb
    for w in words:
        assert w in repr(fb), repr(fb)


def test_unanswered_is_friendly():
    _fails_with(checks.check_compression_ratio(None), "Replace None")


ODD_ANSWERS = (None, "lots", [1, 2], np.zeros((2, 3)), {"a": 1}, float("nan"), object())


def test_compression_ratio():
    assert checks.check_compression_ratio(24.5).passed
    assert "24.5" not in repr(checks.check_compression_ratio(24.5))
    _fails_with(checks.check_compression_ratio(32 / 784), "too low", "Hint")
    _fails_with(checks.check_compression_ratio("lots"), "should be a number")
    for odd in ODD_ANSWERS:
        assert not checks.check_compression_ratio(odd).passed


def test_prepare_images():
    assert checks.check_prepare_images(lambda x: x.reshape(len(x), -1).astype("float32") / 255).passed
    _fails_with(checks.check_prepare_images(lambda x: x.reshape(len(x), -1).astype("float32")), "divided by 255")
    _fails_with(checks.check_prepare_images(lambda x: x.astype("float32") / 255), "(3, 784)")
    _fails_with(checks.check_prepare_images(lambda x: x.reshape(len(x), -1) / 255), "float32")
    _fails_with(checks.check_prepare_images(lambda x: 1 / 0), "ZeroDivisionError")
    _fails_with(checks.check_prepare_images(lambda x: None), "returns None")
    _fails_with(checks.check_prepare_images("prepare"), "expected a function")
    _fails_with(checks.check_prepare_images(lambda x: "text"), "(3, 784)")


def _encoder(hidden=64, act="relu", code=32, separate=None, input_dim=784):
    inputs = keras.Input(shape=(input_dim,))
    h = keras.layers.Dense(hidden, activation=act)(inputs)
    if separate is not None:
        h = separate(h)
    return keras.Model(inputs, keras.layers.Dense(code)(h))


def test_small_encoder():
    assert checks.check_small_encoder(_encoder()).passed
    assert checks.check_small_encoder(_encoder(act=None, separate=keras.layers.ReLU())).passed
    assert checks.check_small_encoder(_encoder(act=None, separate=keras.layers.Activation("relu"))).passed
    assert checks.check_small_encoder(keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(64),
                                                        keras.layers.ReLU(), keras.layers.Dense(32)])).passed
    assert "52320" not in repr(checks.check_small_encoder(_encoder()))
    _fails_with(checks.check_small_encoder(_encoder(code=16)), "(None, 32)")
    _fails_with(checks.check_small_encoder(_encoder(hidden=128)), "parameters")
    _fails_with(checks.check_small_encoder(_encoder(act="sigmoid")), "ReLU")
    _fails_with(checks.check_small_encoder(_encoder(act=None)), "ReLU")
    _fails_with(checks.check_small_encoder(_encoder(act=None, separate=keras.layers.Activation("tanh"))), "ReLU")
    _fails_with(checks.check_small_encoder(_encoder(input_dim=28)), "(None, 784)")
    _fails_with(checks.check_small_encoder("model"), "keras.Model")
    _fails_with(checks.check_small_encoder(keras.layers.Dense(32)), "keras.Model")
    for odd in ODD_ANSWERS:
        assert not checks.check_small_encoder(odd).passed


def _decoder(hidden_act="relu", out_act="sigmoid", name="small_reconstruction", hidden=64):
    code_in = keras.Input(shape=(32,))
    h = keras.layers.Dense(hidden, activation=hidden_act)(code_in)
    return keras.Model(code_in, keras.layers.Dense(784, activation=out_act, name=name)(h))


def _chain(enc, dec):
    image = keras.Input(shape=(784,))
    return keras.Model(image, dec(enc(image)))


def test_small_autoencoder():
    enc, dec = _encoder(), _decoder()
    good = checks.check_small_autoencoder(enc, dec, _chain(enc, dec))
    assert good.passed, good
    assert "105392" not in repr(good) and "105,392" not in repr(good)
    _fails_with(checks.check_small_autoencoder(enc, dec, None), "Replace None")
    _fails_with(checks.check_small_autoencoder(_encoder(act="tanh"), dec, _chain(enc, dec)), "exercise 1")
    _fails_with(checks.check_small_autoencoder(enc, _decoder(out_act="relu"), _chain(enc, dec)), "sigmoid")
    _fails_with(checks.check_small_autoencoder(enc, _decoder(hidden_act="sigmoid"), _chain(enc, dec)), "ReLU")
    _fails_with(checks.check_small_autoencoder(enc, _decoder(hidden=128), _chain(enc, dec)), "parameters")
    _fails_with(checks.check_small_autoencoder(enc, _decoder(name="out"), _chain(enc, dec)), "small_reconstruction")
    _fails_with(checks.check_small_autoencoder(enc, enc, _chain(enc, dec)), "(None, 32)")
    # an autoencoder built from fresh copies does not train the student's encoder and decoder
    _fails_with(checks.check_small_autoencoder(enc, dec, _chain(_encoder(), _decoder())), "own layers")
    _fails_with(checks.check_small_autoencoder(enc, dec, enc), "(None, 784)")
    for odd in ODD_ANSWERS:
        assert not checks.check_small_autoencoder(enc, dec, odd).passed
        assert not checks.check_small_autoencoder(enc, odd, _chain(enc, dec)).passed


class _Half:
    """A stand-in model whose reconstruction is half the input."""

    def predict(self, x, verbose=0):
        return x * 0.5


def test_test_errors():
    x = np.random.default_rng(0).random((20, 784))
    per_image = np.mean((x * 0.5 - x) ** 2, axis=1)
    good = checks.check_test_errors(per_image, _Half(), x)
    assert good.passed, good
    assert not any(ch.isdigit() for ch in repr(good))
    # evaluate()'s answer: one number for the whole set
    _fails_with(checks.check_test_errors(per_image.mean(), _Half(), x), "single number", "evaluate")
    _fails_with(checks.check_test_errors(float(per_image.mean()), _Half(), x), "single number")
    _fails_with(checks.check_test_errors(per_image * 784, _Half(), x), "sums")
    _fails_with(checks.check_test_errors(np.mean((x * 0.5 - x) ** 2, axis=0), _Half(), x), "shape")
    _fails_with(checks.check_test_errors(np.mean(np.abs(x * 0.5 - x), axis=1), _Half(), x), "differ")
    _fails_with(checks.check_test_errors("0.1", _Half(), x), "single number")
    _fails_with(checks.check_test_errors("errors", _Half(), x), "array of numbers")
    for odd in ODD_ANSWERS:
        assert not checks.check_test_errors(odd, _Half(), x).passed


def _trained_code_model(code=32, epochs=2):
    from course_utils.models import build_dense_autoencoder

    x = np.random.default_rng(1).random((64, 784)).astype("float32") * 0.2
    _, _, model = build_dense_autoencoder(hidden_sizes=(256, code))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    if epochs:
        model.fit(x, x, epochs=epochs * 20, batch_size=64, verbose=0)
    return model, x


def test_small_code_training():
    model, x = _trained_code_model()
    mse = float(np.mean((model.predict(x, verbose=0) - x) ** 2))
    good = checks.check_small_code_training(model, mse, x)
    assert good.passed, good
    assert not any(ch.isdigit() for ch in repr(good))
    _fails_with(checks.check_small_code_training(model, mse * 1.1, x), "too high")
    _fails_with(checks.check_small_code_training(model, None, x), "now compute")
    _fails_with(checks.check_small_code_training(model, "small", x), "should be a number")
    untrained, _ = _trained_code_model(epochs=0)
    _fails_with(checks.check_small_code_training(untrained, mse, x), "not trained")
    wide, _ = _trained_code_model(code=128)
    _fails_with(checks.check_small_code_training(wide, mse, x), "32-number code")
    _fails_with(checks.check_small_code_training(_encoder(), mse, x), "(None, 784)")
    for odd in ODD_ANSWERS:
        assert not checks.check_small_code_training(odd, mse, x).passed
        assert not checks.check_small_code_training(model, odd, x).passed


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
    good = checks.check_worst_of_digit(13, errors, LABELS, 3)
    assert good.passed and "13" not in repr(good) and "0." not in repr(good)  # no answer in the message
    assert checks.check_worst_of_digit(np.int64(13), errors, LABELS, 3).passed
    assert checks.check_worst_of_digit(13.0, errors, LABELS, 3).passed
    _fails_with(checks.check_worst_of_digit(3, errors, LABELS, 3), "not the worst")
    _fails_with(checks.check_worst_of_digit(14, errors, LABELS, 3), "is a 4")
    _fails_with(checks.check_worst_of_digit(None, errors, LABELS, 3), "Replace None")
    _fails_with(checks.check_worst_of_digit("13", errors, LABELS, 3), "integer", "str")
    _fails_with(checks.check_worst_of_digit(True, errors, LABELS, 3), "integer")
    _fails_with(checks.check_worst_of_digit(13.5, errors, LABELS, 3), "whole-number")
    _fails_with(checks.check_worst_of_digit(float("nan"), errors, LABELS, 3), "whole-number")
    _fails_with(checks.check_worst_of_digit(20, errors, LABELS, 3), "outside the test set")
    _fails_with(checks.check_worst_of_digit(-1, errors, LABELS, 3), "outside the test set")
    _fails_with(checks.check_worst_of_digit([13], errors, LABELS, 3), "integer")


def _tiny_autoencoder(seed=0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(784,))
    code = keras.layers.Dense(8, activation="sigmoid")(inputs)
    return keras.Model(inputs, keras.layers.Dense(784, activation="sigmoid")(code))


def _error_model(autoencoder, reduce):
    images = keras.Input(shape=(784,))
    return keras.Model(images, reduce(images, autoencoder(images)))


def test_error_model():
    ae = _tiny_autoencoder()
    x = np.random.default_rng(0).random((40, 784)).astype("float32")
    ops = keras.ops
    good = _error_model(ae, lambda a, b: ops.mean(ops.square(a - b), axis=-1))
    assert checks.check_error_model(good, ae, x).passed
    keepdims = _error_model(ae, lambda a, b: ops.mean(ops.square(a - b), axis=-1, keepdims=True))
    assert checks.check_error_model(keepdims, ae, x).passed
    _fails_with(checks.check_error_model(_error_model(ae, lambda a, b: ops.sum(ops.square(a - b), axis=-1)), ae, x),
                "summed")
    _fails_with(checks.check_error_model(_error_model(ae, lambda a, b: ops.mean(ops.abs(a - b), axis=-1)), ae, x),
                "absolute")
    _fails_with(checks.check_error_model(_error_model(ae, lambda a, b: ops.square(a - b)), ae, x), "one number per image")
    other = _tiny_autoencoder(seed=1)  # a new, different autoencoder instead of the trained one
    _fails_with(checks.check_error_model(_error_model(other, lambda a, b: ops.mean(ops.square(a - b), axis=-1)), ae, x),
                "differ")
    small = keras.Input(shape=(10,))
    _fails_with(checks.check_error_model(keras.Model(small, keras.layers.Dense(1)(small)), ae, x), "(None, 784)")
    _fails_with(checks.check_error_model(None, ae, x), "Replace None")
    _fails_with(checks.check_error_model("scorer", ae, x), "keras.Model")
    _fails_with(checks.check_error_model(lambda z: z, ae, x), "keras.Model")


def test_centroids_and_nearest_centroid_accuracy():
    codes = np.random.default_rng(0).normal(size=(20, 2))
    cents = np.stack([codes[LABELS == d].mean(0) for d in range(10)])
    assert checks.check_centroids(cents, codes, LABELS).passed
    _fails_with(checks.check_centroids(cents.T, codes, LABELS), "shape (10, 2)")
    _fails_with(checks.check_centroids("centroids", codes, LABELS), "array of numbers")
    pred = ((codes[:, None] - cents[None]) ** 2).sum(-1).argmin(1)
    acc = (pred == LABELS).mean()
    ok = checks.check_nearest_centroid_accuracy(acc, cents, codes, LABELS)
    assert ok.passed and f"{acc:.2f}" not in repr(ok)
    _fails_with(checks.check_nearest_centroid_accuracy(acc * 100, cents, codes, LABELS), "fraction")
    _fails_with(checks.check_nearest_centroid_accuracy(acc - 0.1, cents, codes, LABELS), "too low")
    _fails_with(checks.check_nearest_centroid_accuracy("high", cents, codes, LABELS), "should be a number")
    _fails_with(checks.check_nearest_centroid_accuracy(None, cents, codes, LABELS), "Replace None")


def test_nearest_centroid_accuracy_when_exercise_1_is_unanswered_or_wrong():
    """Issue 8: exercise 2 crashed with a TypeError while exercise 1 was still None."""
    codes = np.random.default_rng(0).normal(size=(20, 2))
    for centroids in (None, "x", np.zeros((3, 2)), np.zeros((10, 2))):
        _fails_with(checks.check_nearest_centroid_accuracy(0.5, centroids, codes, LABELS), "exercise 1")


def _relu_encoder(widths=(128, 64, 10, 2), act="relu", code_act=None, separate_relu=False, seed=0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(784,))
    h = inputs
    for i, w in enumerate(widths):
        last = i == len(widths) - 1
        if separate_relu and not last:
            h = keras.layers.ReLU()(keras.layers.Dense(w)(h))
        else:
            h = keras.layers.Dense(w, activation=code_act if last else act)(h)
    return keras.Model(inputs, h)


def _clustered_digits(n, seed):
    """Images whose digit is written in them plainly: any ReLU encoder separates them."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    x = 0.05 * rng.random((n, 784))
    for d in range(10):
        x[labels == d, d * 78:(d + 1) * 78] += 1.0
    return x.astype("float32"), labels


def test_relu_2d_encoder():
    from course_utils.evaluation import knn_accuracy

    x_tr, y_tr = _clustered_digits(300, 0)
    x_te, y_te = _clustered_digits(100, 1)
    enc = _relu_encoder()
    knn = knn_accuracy(enc.predict(x_tr, verbose=0), y_tr, enc.predict(x_te, verbose=0), y_te, k=5)
    assert knn >= checks.RELU_2D_MIN_KNN
    ok = checks.check_relu_2d_encoder(enc, knn, x_tr, y_tr, x_te, y_te)
    assert ok.passed and f"{knn:.2f}" not in repr(ok)
    assert checks.check_relu_2d_encoder(_relu_encoder(separate_relu=True), None, x_tr, y_tr, x_te, y_te
                                        ).message.startswith("the encoder is right")
    _fails_with(checks.check_relu_2d_encoder(enc, None, x_tr, y_tr, x_te, y_te), "now compute")
    _fails_with(checks.check_relu_2d_encoder(enc, knn - 0.05, x_tr, y_tr, x_te, y_te), "too low")
    _fails_with(checks.check_relu_2d_encoder(enc, "0.9", x_tr, y_tr, x_te, y_te), "Hint")
    _fails_with(checks.check_relu_2d_encoder(_relu_encoder(act="sigmoid"), knn, x_tr, y_tr, x_te, y_te), "ReLU")
    _fails_with(checks.check_relu_2d_encoder(_relu_encoder(code_act="relu"), knn, x_tr, y_tr, x_te, y_te), "linear")
    _fails_with(checks.check_relu_2d_encoder(_relu_encoder(widths=(128, 64, 2)), knn, x_tr, y_tr, x_te, y_te),
                "128, 64, 10 and 2")
    _fails_with(checks.check_relu_2d_encoder(_relu_encoder(widths=(128, 64, 10, 3)), knn, x_tr, y_tr, x_te, y_te),
                "(None, 2)")
    # the whole autoencoder instead of its encoder
    _, _, autoencoder = __import__("course_utils.models", fromlist=["x"]).build_dense_autoencoder(
        hidden_sizes=(128, 64, 10, 2), activation="relu", code_activation="linear")
    _fails_with(checks.check_relu_2d_encoder(autoencoder, knn, x_tr, y_tr, x_te, y_te), "pass the encoder")
    # codes that do not separate the digits: random labels, as an untrained or broken model would give
    noise, _ = _clustered_digits(300, 2)
    shuffled = np.random.default_rng(3).permutation(y_tr)
    _fails_with(checks.check_relu_2d_encoder(enc, knn, noise, shuffled, x_te, y_te), "not separate", "trained")
    _fails_with(checks.check_relu_2d_encoder(None, None, x_tr, y_tr, x_te, y_te), "Replace None")
    _fails_with(checks.check_relu_2d_encoder("encoder", None, x_tr, y_tr, x_te, y_te), "keras.Model")


def test_balanced_subset_and_best_input():
    labels = np.arange(100) % 10
    assert checks.check_balanced_subset(np.array([0, 30, 1, 41, 2, 72, 3, 53, 4, 94, 5, 15, 6, 86, 7, 37, 8, 48,
                                                  9, 99]), labels, per_class=2).passed
    _fails_with(checks.check_balanced_subset(np.arange(20), labels, per_class=2), "consecutive")
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
