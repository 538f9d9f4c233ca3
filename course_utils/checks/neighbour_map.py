"""Exercise checkers of notebook 12: a map that keeps neighbours."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_utils.checks.building import _model_io
from course_utils.checks.feedback import Feedback, _unanswered
from course_utils.checks.training import _dense_units


def fuzzy_cross_entropy(d2, w, a: float, b: float) -> np.ndarray:
    """UMAP's fuzzy cross-entropy per pair (reference for exercise 1 of 12), in NumPy:
    ``-(w log q + (1 - w) log(1 - q))`` with ``q = 1 / (1 + a d2**b)``."""
    d2, w = np.asarray(d2, dtype=np.float64), np.asarray(w, dtype=np.float64)
    q = 1.0 / (1.0 + a * d2 ** b)
    return -(w * np.log(q) + (1.0 - w) * np.log1p(-q))


def check_fuzzy_cross_entropy(fn: Callable | None, a: float = 1.577, b: float = 0.895) -> Feedback:
    """12, exercise 1: ``fn(d2, w, a, b)`` returns UMAP's fuzzy cross-entropy per pair, written with keras.ops."""
    if (fb := _unanswered(fn)) is not None:
        return fb
    if not callable(fn):
        return Feedback(False, f"expected a function of (d2, w, a, b), got {type(fn).__name__}.")
    import keras

    rng = np.random.default_rng(12)
    d2 = np.r_[0.05, 0.5, 4.0, 25.0, rng.uniform(0.02, 30.0, 60)].astype("float32")
    w = np.r_[1.0, 0.0, 0.5, 0.0, rng.uniform(0.0, 1.0, 60)].astype("float32")
    hint = ("first compute q from d2 as in the formula (ops.power for the exponent b), then weight the "
            "two ops.log terms by w and by 1 - w, with a minus sign in front.")
    try:
        out = fn(keras.ops.convert_to_tensor(d2), keras.ops.convert_to_tensor(w), a, b)
        if out is None:
            return _unanswered(None)
        out = np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float64)
    except Exception as exc:  # noqa: BLE001 - a broken answer gets feedback, not a traceback
        return Feedback(False, f"your function raised {type(exc).__name__} on tensors d2 and w. Hint: {hint}")
    expected = fuzzy_cross_entropy(d2, w, a, b)
    if out.shape != expected.shape:
        return Feedback(False, f"expected one value per pair, shape {expected.shape}, got {out.shape}. "
                               "Hint: no sum or mean over the pairs.")
    if not np.isfinite(out).all():
        return Feedback(False, f"some values are not finite. Hint: {hint}")
    attraction = -w * np.log(1.0 / (1.0 + a * d2.astype(np.float64) ** b))
    if np.allclose(out, attraction, rtol=1e-3, atol=1e-5):
        return Feedback(False, "this is only the attraction term: pairs with w = 0 cost nothing, so nothing "
                               "pushes unrelated images apart. Add the (1 - w) log(1 - q) term.")
    if np.allclose(out, -expected, rtol=1e-3, atol=1e-5):
        return Feedback(False, "the sign is flipped: a cross-entropy is minus the log-likelihood, never negative.")
    if not np.allclose(out, expected, rtol=1e-3, atol=1e-5):
        return Feedback(False, f"the values differ from the cross-entropy for some pairs. Hint: {hint}")
    return Feedback(True, "attraction where w is large, repulsion where w is small, one value per pair.")


#: 5-NN accuracy (first 20,000 training points against the first 2,000 test points) that a small
#: 50-64-2 map must reach after exercise 2 of 12 (one epoch of 1,000 batches of 2,048 edges, cosine
#: schedule from 0.01: the solution measured 0.61-0.62 with seeds 1 and 2; untrained maps 0.34-0.37,
#: a linear map onto the first two principal components about 0.40; tests/test_neighbour_map.py
#: checks that a map at 0.46, trained a fifth as long as one at 0.67, fails).
SMALL_MAP_5NN = 0.50


def check_small_map(encoder, p_train: np.ndarray, y_train: np.ndarray, p_test: np.ndarray,
                    y_test: np.ndarray, hidden: int = 64) -> Feedback:
    """12, exercise 2: a 50-``hidden``-2 encoder trained with the UMAP loss; its 2-D map separates
    the digits (5-NN accuracy at least :data:`SMALL_MAP_5NN` on a subset)."""
    if (fb := _unanswered(encoder)) is not None:
        return fb
    in_shape, out_shape, _, problem = _model_io(encoder)
    if problem:
        return Feedback(False, problem)
    try:
        n_in = np.asarray(p_train).shape[1]
    except (IndexError, TypeError, ValueError):
        return Feedback(False, "pass the PCA projections p_train, y_train, p_test, y_test after the encoder.")
    if in_shape != (None, n_in) or out_shape != (None, 2):
        return Feedback(False, f"the encoder should map (None, {n_in}) to (None, 2), got {in_shape} -> {out_shape}. "
                               "Hint: pass the encoder itself, not the ParametricUMAP model around it.")
    units = _dense_units(encoder)
    if units != [hidden, 2]:
        return Feedback(False, f"expected Dense layers of {[hidden, 2]} units (one hidden layer), found {units}.")
    train, test = slice(0, 20_000), slice(0, 2_000)
    try:
        codes_train = np.asarray(encoder.predict(p_train[train], batch_size=4096, verbose=0), dtype=np.float64)
        codes_test = np.asarray(encoder.predict(p_test[test], batch_size=4096, verbose=0), dtype=np.float64)
    except Exception as exc:  # noqa: BLE001
        return Feedback(False, f"the encoder could not run on the PCA projection: {type(exc).__name__}.")
    if not (np.isfinite(codes_train).all() and np.isfinite(codes_test).all()):
        return Feedback(False, "the map holds NaN or infinite codes: training diverged. Hint: use the cosine schedule from 0.01 that the exercise gives.")
    from sklearn.neighbors import KNeighborsClassifier

    accuracy = KNeighborsClassifier(n_neighbors=5).fit(codes_train, y_train[train]).score(codes_test, y_test[test])
    if accuracy < SMALL_MAP_5NN:
        return Feedback(False, f"its 5-NN accuracy is {accuracy:.3f}, below {SMALL_MAP_5NN}: not trained enough yet. "
                               "Hint: compile the ParametricUMAP model around it and fit it on sample_edges(1000 * 2048, ...).")
    return Feedback(True, f"a 50-{hidden}-2 map, trained: it sorts the digits far better than an untrained map. "
                           "Now compare its knn_accuracy on the full data with the big encoder's.")
