"""Numbers that judge an autoencoder: reconstruction errors and latent-space scores."""
from __future__ import annotations

import numpy as np
from sklearn.neighbors import KNeighborsClassifier


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
