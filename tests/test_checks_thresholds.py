"""Checker bars tested with realistic near misses on real MNIST: a model trained a little too little
lands just on the wrong side of the real bar, so a loosened bar fails a test. (The checkers' own test
files test their right answers and the usual slips; these tests pin where the bar stands.)"""
import os

import course_utils  # noqa: F401  (before keras: quiet TensorFlow start-up)
import keras
import numpy as np
import pytest
from sklearn.decomposition import PCA

from course_utils import checks
from course_utils.data import load_mnist


@pytest.fixture(scope="module")
def mnist_07():
    """The first 6,000 training and 2,000 test images of real MNIST, flattened, in [0, 1]."""
    if not os.environ.get("COURSE_DATA_DIR") and os.environ.get("COURSE_REQUIRE_DATA") != "1":
        pytest.skip("real MNIST: set COURSE_DATA_DIR (CI sets it and COURSE_REQUIRE_DATA=1)")
    (x_train, _), (x_test, _) = load_mnist(scale=True, flatten=True, n_train=6000, n_test=2000)
    return x_train, x_test


def _squared_error(x: np.ndarray, reconstruction: np.ndarray) -> float:
    return float(((x - reconstruction) ** 2).sum(axis=1).mean())


def test_code_size_autoencoder_just_worse_than_pca_is_rejected(mnist_07):
    """07, exercise 3: the bar is PCA-16's own error. Notebook 07's short recipe (784-256-16, SiLU, a
    linear code, Adam(0.003), cross-entropy) stopped after 100 steps (2 epochs on 3,200 images) errs
    about 12% more than PCA-16 (measured 24.5 against 21.8): rejected; a bar loosened to 1.2 times
    PCA's would pass it. Trained twice as long (200 steps) it beats PCA and passes."""
    x_train, x_test = mnist_07
    pca = PCA(n_components=16, random_state=0).fit(x_train)
    pca_error = _squared_error(x_test, pca.inverse_transform(pca.transform(x_test)))
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(784,))
    code = keras.layers.Dense(16)(keras.layers.Dense(256, activation="silu")(inputs))
    outputs = keras.layers.Dense(784, activation="sigmoid")(keras.layers.Dense(256, activation="silu")(code))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="binary_crossentropy")
    model.fit(x_train[:3200], x_train[:3200], epochs=2, batch_size=64, verbose=0)  # 100 steps
    ratio = _squared_error(x_test, model.predict(x_test, verbose=0)) / pca_error
    assert 1.03 < ratio < 1.18, ratio
    fb = checks.check_code_size_autoencoder(model, 16, pca, x_test)
    assert not fb.passed and "Hint: train" in fb.message, fb
    model.fit(x_train[:3200], x_train[:3200], epochs=2, batch_size=64, verbose=0)  # 200 steps
    assert checks.check_code_size_autoencoder(model, 16, pca, x_test).passed
