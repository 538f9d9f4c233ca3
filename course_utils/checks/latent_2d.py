"""Exercise checkers of notebook 05: the 2-D latent projection."""
from __future__ import annotations

import math

import numpy as np

from course_utils.checks.building import _dense_activations, _model_io
from course_utils.checks.feedback import Feedback, _array, _number, _unanswered
from course_utils.checks.training import _dense_units


def _digit_centroids(codes: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return np.stack([codes[labels == d].mean(axis=0) for d in range(10)])


def check_centroids(answer, codes: np.ndarray, labels: np.ndarray) -> Feedback:
    """05, exercise 1: the mean 2-D code of each digit, shape (10, 2)."""
    return _array(answer, _digit_centroids(codes, labels), "Digit centroids",
                  ("for each digit from 0 to 9, average the codes of the test images with that label "
                   "over the images (axis 0), then stack the ten averages, digit 0 first."), atol=1e-4)


def check_nearest_centroid_accuracy(answer, centroids, codes: np.ndarray, labels: np.ndarray) -> Feedback:
    """05, exercise 2: accuracy (0-1) of predicting each code's digit by its nearest centroid.

    The expected value comes from the true centroids, so this checker works (and says what is
    missing) whatever ``centroids`` holds, including None while exercise 1 is unanswered."""
    if (fb := _unanswered(answer)) is not None:
        return fb
    if not check_centroids(centroids, codes, labels).passed:
        return Feedback(False, "exercise 1's centroids are not right yet; this exercise uses them. "
                               "Solve exercise 1 first, then run this cell again.")
    true_centroids = _digit_centroids(codes, labels)
    dist = ((codes[:, None, :] - true_centroids[None, :, :]) ** 2).sum(-1)
    expected = float((dist.argmin(axis=1) == labels).mean())
    hint = ("distances of every code to every centroid (shape (N, 10)), argmin over axis 1, "
            "compare with the labels, average. Give a fraction, not a percentage.")
    if isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(answer, bool) \
            and 1 < float(answer) <= 100 and math.isclose(float(answer), 100 * expected, rel_tol=1e-4):
        return Feedback(False, f"that is a percentage; give the fraction (0-1). Hint: {hint}")
    return _number(answer, expected, "Nearest-centroid accuracy", hint, abs_tol=1e-6)


#: 5-NN accuracy on 2-D codes that counts as "trained" for exercise 3: an untrained encoder's random
#: 2-D projection scores about 0.2-0.3, PCA's 0.42, the ReLU encoder trained with notebook 03's recipe
#: (cross-entropy, Adam(0.001), 30 epochs) about 0.74 on the validation images
#: (tests/test_checks_latent_features.py checks the bar against an untrained encoder and encoders
#: trained 8 and 20 epochs on 10,000 images, 5-NN about 0.36 and 0.53, on real MNIST).
RELU_2D_MIN_KNN = 0.6


def check_relu_2d_encoder(encoder, knn_answer, x_train: np.ndarray, y_train: np.ndarray,
                          x_test: np.ndarray, y_test: np.ndarray) -> Feedback:
    """05, exercise 3: a trained 784-128-64-10-2 encoder with ReLU hidden layers and a linear 2-D code
    (notebook 03's lessons: trained with cross-entropy and Adam(0.001)), and its 5-NN accuracy
    (``knn_accuracy`` on all training codes) as ``knn_answer``.

    Hints say what to do next, never the code of the answer. Odd input (None, a string, a model
    of the wrong shape, NaN codes) gets feedback, not an exception."""
    if (fb := _unanswered(encoder)) is not None:
        return fb
    hint = ("the encoder is a chain of Dense layers of 128, 64, 10 and 2 units: ReLU on the three hidden "
            "ones, no activation on the 2-D code. build_dense_autoencoder takes the hidden layers' "
            "activation and the code's activation as separate arguments.")
    in_shape, out_shape, _, problem = _model_io(encoder)
    if problem:
        return Feedback(False, problem)
    if in_shape != (None, 784) or out_shape != (None, 2):
        return Feedback(False, f"pass the encoder: it should map (None, 784) to (None, 2), got {in_shape} -> {out_shape}. "
                               f"Hint: {hint}")
    try:
        widths, acts = _dense_units(encoder), _dense_activations(encoder)
    except Exception as exc:  # noqa: BLE001
        return Feedback(False, f"could not read the encoder's layers ({type(exc).__name__}). Hint: {hint}")
    if widths != [128, 64, 10, 2]:
        return Feedback(False, f"the encoder's Dense layers should be 128, 64, 10 and 2 units, found {widths}. Hint: {hint}")
    if acts[:3] != ["relu"] * 3:
        return Feedback(False, f"the three hidden layers should use ReLU, found {acts[:3]}. Hint: {hint}")
    if acts[3] != "linear":
        return Feedback(False, f"the 2-D code should be linear (no activation), found {acts[3]!r}. Hint: {hint}")
    import keras

    def encode(x):  # direct calls in chunks: no tf.function tracing (and no retracing warnings)
        x = np.asarray(x, dtype="float32")
        return np.concatenate([np.asarray(keras.ops.convert_to_numpy(encoder(x[i:i + 10_000], training=False)),
                                          dtype=np.float64) for i in range(0, len(x), 10_000)])

    try:
        train_codes, test_codes = encode(x_train), encode(x_test)
    except Exception as exc:  # noqa: BLE001
        return Feedback(False, f"encoding the images failed ({type(exc).__name__}). Hint: {hint}")
    if not (np.isfinite(train_codes).all() and np.isfinite(test_codes).all()):
        return Feedback(False, "the codes contain NaN or infinite values: the training diverged. "
                               "Hint: compile it with notebook 03's loss and learning rate (binary "
                               "cross-entropy, Adam at 0.001); a larger rate can make ReLU units diverge.")
    from course_utils.evaluation import knn_accuracy

    knn = knn_accuracy(train_codes, y_train, test_codes, y_test, k=5)
    if not knn >= RELU_2D_MIN_KNN:
        return Feedback(False, f"the codes do not separate the digits yet (5-NN below {RELU_2D_MIN_KNN}): is the "
                               "autoencoder trained? Hint: train the autoencoder this encoder belongs to with "
                               "binary cross-entropy and Adam at 0.001, for the same epochs and batch size "
                               "as the model above, then pass its encoder.")
    if (fb := _unanswered(knn_answer)) is not None:
        return Feedback(False, "the encoder is right and trained; now compute its 5-NN accuracy with knn_accuracy "
                               "on the training and test codes, and assign it.")
    # abs_tol: codes computed in other batch sizes can differ in their last bits and move a few ties
    return _number(knn_answer, knn, "The encoder is right and trained, and its 5-NN accuracy",
                   "score this encoder's codes the way the sigmoid map was scored above: the same "
                   "5-NN function, training codes of all 60,000 training images, test codes of x_test.",
                   abs_tol=0.002)
