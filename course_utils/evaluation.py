"""Numbers that judge an autoencoder: reconstruction errors and latent-space scores."""
from __future__ import annotations

import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def _as_rows(x: np.ndarray) -> np.ndarray:
    """Flatten images ``(N, ...)`` to rows ``(N, pixels)``."""
    x = np.asarray(x, dtype=np.float64)
    return x.reshape(len(x), -1)


def squared_error_per_image(originals: np.ndarray, reconstructions: np.ndarray) -> np.ndarray:
    """Squared error summed over pixels, per image: shape (N,). Pixels in [0, 1].

    This is the measure of Hinton & Salakhutdinov (2006); divide by 784 for the MSE.
    """
    a, b = _as_rows(originals), _as_rows(reconstructions)
    if a.shape != b.shape:
        raise ValueError(f"originals {a.shape} and reconstructions {b.shape} must have the same shape")
    return ((a - b) ** 2).sum(axis=1)


def mse_per_image(originals: np.ndarray, reconstructions: np.ndarray) -> np.ndarray:
    """Mean squared error over pixels, per image: shape (N,) -- what Keras' ``"mse"`` loss averages."""
    return squared_error_per_image(originals, reconstructions) / _as_rows(originals).shape[1]


def knn_accuracy(train_codes: np.ndarray, train_labels: np.ndarray,
                 test_codes: np.ndarray, test_labels: np.ndarray, k: int = 5) -> float:
    """Accuracy (0-1) of a k-nearest-neighbour classifier fitted on training codes.

    A simple score of how well a latent space separates the digits: codes
    ``(N, d)`` of the same digit should have neighbours of the same digit.
    """
    if len(train_codes) != len(train_labels) or len(test_codes) != len(test_labels):
        raise ValueError("each code array needs exactly one label per row")
    knn = KNeighborsClassifier(n_neighbors=k).fit(train_codes, train_labels)
    return float(knn.score(test_codes, test_labels))


def logistic_accuracy(train_features: np.ndarray, train_labels: np.ndarray,
                      test_features: np.ndarray, test_labels: np.ndarray,
                      max_iter: int = 200) -> tuple[float, float]:
    """Fit a multinomial logistic regression on standardised features; return (test accuracy 0-1, fit seconds).

    Features are ``(N, d)`` arrays (pixels, PCA components or codes). The solver (lbfgs) stops after
    ``max_iter`` iterations even if not fully converged; that warning is silenced because the
    accuracy, not the optimum, is what we compare.
    """
    if len(train_features) != len(train_labels) or len(test_features) != len(test_labels):
        raise ValueError("each feature array needs exactly one label per row")
    start = time.perf_counter()
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=max_iter))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(train_features, train_labels)
    seconds = time.perf_counter() - start
    return float(model.score(test_features, test_labels)), seconds
