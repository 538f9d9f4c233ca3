"""Numbers that judge an autoencoder: reconstruction errors and latent-space scores."""
from __future__ import annotations

import time
import warnings
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import PredefinedSplit, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from threadpoolctl import threadpool_limits


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
    ``(N, d)`` of the same digit should have neighbours of the same digit. Each test
    code ``(M, d)`` gets the majority label of its ``k`` nearest training codes
    (Euclidean, unweighted votes; a tie goes to the smallest label).
    """
    if len(train_codes) != len(train_labels) or len(test_codes) != len(test_labels):
        raise ValueError("each code array needs exactly one label per row")
    knn = KNeighborsClassifier(n_neighbors=k).fit(train_codes, train_labels)
    return float(knn.score(test_codes, test_labels))


#: Regularisation strengths tried by :func:`logistic_accuracy` (inverse of the L2 penalty).
LOGISTIC_CS = (0.1, 1.0, 10.0, 100.0, 1000.0)


class LogisticResult(NamedTuple):
    """What :func:`logistic_accuracy` measured: test accuracy (0-1), the chosen C, and fit seconds."""

    accuracy: float
    C: float
    seconds: float


def scale_features(train_features: np.ndarray, test_features: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Centre on the training mean and divide by ONE number: the root-mean-square length of a centred
    training row. Every input then has average row length 1 while the relative sizes of its features
    are kept. (Standardising each feature separately would whiten PCA features: it blows the
    low-variance, mostly-noise components up to the size of the leading ones.)"""
    train = np.asarray(train_features, dtype=np.float64)
    test = np.asarray(test_features, dtype=np.float64)
    mean = train.mean(axis=0)
    scale = np.sqrt(((train - mean) ** 2).sum(axis=1).mean())
    scale = scale if scale > 0 else 1.0
    return (train - mean) / scale, (test - mean) / scale


def c_selection_split(labels: np.ndarray, folds: int = 3) -> StratifiedKFold | PredefinedSplit:
    """The cross-validation that :func:`logistic_accuracy` chooses C with, given the labelled
    rows' ``labels``, shape (N,).

    Up to 10,000 rows: ``folds`` stratified folds, shuffled with seed 0 (fewer when the rarest class
    has fewer rows, never under 2). Above that: one split that trains on the first N - 5,000 rows and
    validates on the last 5,000.
    """
    labels = np.asarray(labels)
    if len(labels) <= 10_000:
        smallest_class = int(np.bincount(np.unique(labels, return_inverse=True)[1]).min())
        return StratifiedKFold(n_splits=max(min(folds, smallest_class), 2), shuffle=True, random_state=0)
    return PredefinedSplit(np.where(np.arange(len(labels)) < len(labels) - 5_000, -1, 0))


def logistic_accuracy(train_features: np.ndarray, train_labels: np.ndarray,
                      test_features: np.ndarray, test_labels: np.ndarray,
                      Cs=LOGISTIC_CS, folds: int = 3, max_iter: int = 100) -> LogisticResult:
    """Fit a multinomial logistic regression, C chosen on the labelled set only; score it on the test set.

    The same rule for every input: :func:`scale_features` (one scale per input, no whitening), then
    the L2 strength ``C`` from ``Cs`` with the best cross-validated accuracy on the *training*
    (labelled) rows (:func:`c_selection_split`: ``folds`` stratified folds for up to 10,000 rows,
    one split with the last 5,000 rows held out above that). The model is refitted on all labelled
    rows with that C; the test rows are used once, for the returned accuracy: neither the scaling
    nor C depends on them. lbfgs stops after ``max_iter`` iterations; that warning is silenced
    because the accuracy, not the optimum, is what we compare.

    Args:
        train_features, test_features: ``(N, ...)`` rows of any features (flattened here).
        train_labels, test_labels: ``(N,)`` class labels.

    Returns:
        ``LogisticResult(accuracy, C, seconds)``.
    """
    if len(train_features) != len(train_labels) or len(test_features) != len(test_labels):
        raise ValueError("each feature array needs exactly one label per row")
    start = time.perf_counter()
    train, test = scale_features(np.asarray(train_features).reshape(len(train_features), -1),
                                 np.asarray(test_features).reshape(len(test_features), -1))
    labels = np.asarray(train_labels)
    model = LogisticRegressionCV(Cs=list(Cs), cv=c_selection_split(labels, folds), max_iter=max_iter)
    # One BLAS thread: these small fits gain nothing from more, and threads that spin-wait on a
    # busy machine can make them a hundred times slower.
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", FutureWarning)  # sklearn's notices about future defaults
        model.fit(train, labels)
        accuracy = float(model.score(test, test_labels))
    seconds = time.perf_counter() - start
    return LogisticResult(accuracy, float(model.C_[0]), seconds)


def one_class_auroc(scores: np.ndarray, labels: np.ndarray, normal_digit: int) -> float:
    """AUROC of anomaly ``scores`` (higher = more anomalous) with ``normal_digit`` normal, all others anomalies.

    The probability that a random anomaly scores higher than a random normal image (ties count
    half): 1.0 separates perfectly, 0.5 is chance, below 0.5 means the score points the wrong way.
    This is the one-class protocol of Ruff et al. (2018), "Deep One-Class Classification".
    """
    from sklearn.metrics import roc_auc_score

    scores = np.asarray(scores, dtype=np.float64).ravel()
    labels = np.asarray(labels).ravel()
    if scores.shape != labels.shape:
        raise ValueError(f"need one score per label, got {scores.size} scores and {labels.size} labels")
    if not np.isfinite(scores).all():
        raise ValueError("scores must be finite numbers")
    is_anomaly = labels != normal_digit
    if is_anomaly.all() or not is_anomaly.any():
        raise ValueError(f"need both normal images (label {normal_digit}) and anomalies among the labels")
    return float(roc_auc_score(is_anomaly, scores))
