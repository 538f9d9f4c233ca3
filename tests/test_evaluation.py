import numpy as np
import pytest

from course_utils.data import balanced_subset
from course_utils.evaluation import knn_accuracy, logistic_accuracy, mse_per_image, squared_error_per_image


def test_errors_per_image():
    a = np.zeros((3, 28, 28))
    b = np.full((3, 784), 0.5)
    np.testing.assert_allclose(squared_error_per_image(a, b), [196.0] * 3)
    np.testing.assert_allclose(mse_per_image(a, b), [0.25] * 3)
    with pytest.raises(ValueError, match="same shape"):
        squared_error_per_image(a, b[:2])


def test_knn_and_logistic_separate_separable_data():
    rng = np.random.default_rng(0)
    labels = np.arange(400) % 10
    feats = labels[:, None] * 10.0 + rng.normal(size=(400, 2))
    assert knn_accuracy(feats[:300], labels[:300], feats[300:], labels[300:]) == 1.0
    acc, C, seconds = logistic_accuracy(feats[:300], labels[:300], feats[300:], labels[300:])
    assert acc > 0.9 and seconds >= 0 and C in (0.1, 1.0, 10.0, 100.0, 1000.0)
    shuffled = rng.permutation(labels[:300])
    assert knn_accuracy(feats[:300], shuffled, feats[300:], labels[300:]) < 0.5
    with pytest.raises(ValueError):
        knn_accuracy(feats, labels[:10], feats, labels)


def test_logistic_accuracy_uses_no_test_rows_to_choose_c():
    rng = np.random.default_rng(0)
    labels = np.arange(200) % 10
    feats = labels[:, None] + rng.normal(scale=3.0, size=(200, 5))
    test_labels = rng.permutation(labels)  # the test labels are noise: C must not depend on them
    first = logistic_accuracy(feats[:100], labels[:100], feats[100:], labels[100:])
    second = logistic_accuracy(feats[:100], labels[:100], feats[100:], test_labels[100:])
    assert first.C == second.C


def test_balanced_subset():
    labels = np.arange(1000) % 10
    idx = balanced_subset(labels, 7, seed=1)
    assert len(idx) == 70 and len(set(idx)) == 70
    assert (np.bincount(labels[idx], minlength=10) == 7).all()
    np.testing.assert_array_equal(idx, balanced_subset(labels, 7, seed=1))
    assert not np.array_equal(idx, balanced_subset(labels, 7, seed=2))
    with pytest.raises(ValueError, match="only 100 examples"):
        balanced_subset(labels, 101)
