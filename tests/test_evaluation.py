"""Scores that judge an autoencoder, pinned by hand-made cases: reconstruction errors summed over
pixels, k-NN with exactly k unweighted neighbours from the training codes, logistic regression
whose scaling and C never see the test rows, and the C-selection split."""
import numpy as np
import pytest

from course_utils.evaluation import (c_selection_split, knn_accuracy, logistic_accuracy, mse_per_image,
                                     scale_features, squared_error_per_image)


def test_errors_per_image():
    a = np.zeros((3, 28, 28))
    b = np.full((3, 784), 0.5)
    np.testing.assert_allclose(squared_error_per_image(a, b), [196.0] * 3)
    np.testing.assert_allclose(mse_per_image(a, b), [0.25] * 3)
    with pytest.raises(ValueError, match="same shape"):
        squared_error_per_image(a, b[:2])


def test_errors_are_per_image_not_per_batch():
    a = np.zeros((2, 4))
    b = np.array([[1.0, 0, 0, 0], [1.0, 1.0, 1.0, 0]])
    np.testing.assert_allclose(squared_error_per_image(a, b), [1.0, 3.0])
    np.testing.assert_allclose(mse_per_image(a, b), [0.25, 0.75])


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


def test_knn_votes_with_exactly_k_unweighted_training_neighbours():
    """Test codes at 0 and 100; training codes at distances 1..5 from each, labelled 0, 0, 1, 1, 1
    (and 5, 5, 6, 6, 6). With k = 5 the majority is 1 (and 6); the 3 nearest say 0 (5), the 4
    nearest tie 2-2 and a tie goes to the smaller label, distance weights say 0 (1 + 1/2 > 1/3 + 1/4
    + 1/5), and the test codes themselves are not in the training set."""
    offsets = np.arange(1.0, 6.0)
    train = np.r_[offsets, 100 + offsets][:, None]
    train_labels = np.array([0, 0, 1, 1, 1, 5, 5, 6, 6, 6])
    test = np.array([[0.0], [100.0]])
    assert knn_accuracy(train, train_labels, test, np.array([1, 6])) == 1.0
    assert knn_accuracy(train, train_labels, test, np.array([1, 6]), k=5) == 1.0
    assert knn_accuracy(train, train_labels, test, np.array([0, 5]), k=3) == 1.0
    assert knn_accuracy(train, train_labels, test, np.array([0, 5]), k=4) == 1.0
    assert knn_accuracy(train, train_labels, test, np.array([1, 5])) == 0.5


def test_logistic_accuracy_uses_no_test_rows_to_choose_c():
    rng = np.random.default_rng(0)
    labels = np.arange(200) % 10
    feats = labels[:, None] + rng.normal(scale=3.0, size=(200, 5))
    test_labels = rng.permutation(labels)  # the test labels are noise: C must not depend on them
    first = logistic_accuracy(feats[:100], labels[:100], feats[100:], labels[100:])
    second = logistic_accuracy(feats[:100], labels[:100], feats[100:], test_labels[100:])
    assert first.C == second.C


def test_logistic_accuracy_scores_each_test_row_on_its_own():
    """The scaling is the training rows' only: adding far-away test rows (which would move a mean or
    scale computed with test rows) leaves every other test row's prediction as it was, so the
    number of correct rows adds up."""
    rng = np.random.default_rng(1)
    labels = np.arange(300) % 10
    feats = labels[:, None] + rng.normal(scale=0.7, size=(300, 4))
    train, test, y_train, y_test = feats[:200], feats[200:], labels[:200], labels[200:]
    far = test * 30.0 + 500.0
    near_correct = logistic_accuracy(train, y_train, test, y_test).accuracy * len(test)
    far_correct = logistic_accuracy(train, y_train, far, y_test).accuracy * len(far)
    both = logistic_accuracy(train, y_train, np.r_[test, far], np.r_[y_test, y_test]).accuracy * 2 * len(test)
    assert near_correct > 80
    assert round(both) == round(near_correct) + round(far_correct)


def test_scale_features_uses_the_training_rows_only():
    rng = np.random.default_rng(2)
    train = rng.normal(loc=3.0, scale=2.0, size=(50, 4))
    test = rng.normal(loc=-5.0, scale=9.0, size=(20, 4))
    scaled_train, scaled_test = scale_features(train, test)
    mean = train.mean(axis=0)
    scale = np.sqrt(((train - mean) ** 2).sum(axis=1).mean())
    np.testing.assert_allclose(scaled_train, (train - mean) / scale)
    np.testing.assert_allclose(scaled_test, (test - mean) / scale)
    np.testing.assert_allclose(scale_features(train, test[:3])[1], scaled_test[:3])


def test_c_is_chosen_on_stratified_shuffled_folds_up_to_10000_rows():
    labels = np.repeat(np.arange(10), 30)
    cv = c_selection_split(labels, folds=3)
    held_out = [test for _, test in cv.split(np.zeros((len(labels), 1)), labels)]
    assert len(held_out) == 3
    np.testing.assert_array_equal(np.sort(np.concatenate(held_out)), np.arange(len(labels)))
    for test in held_out:
        np.testing.assert_array_equal(np.bincount(labels[test], minlength=10), [10] * 10)
    assert c_selection_split(np.r_[labels, [10, 10]], folds=3).get_n_splits() == 2  # a class with 2 rows


def test_above_10000_rows_c_is_chosen_on_the_last_5000():
    labels = np.arange(12_000) % 10
    splits = list(c_selection_split(labels).split(np.zeros((len(labels), 1)), labels))
    assert len(splits) == 1
    fit, held_out = splits[0]
    np.testing.assert_array_equal(fit, np.arange(7_000))
    np.testing.assert_array_equal(held_out, np.arange(7_000, 12_000))


def test_the_c_selection_split_is_the_same_in_every_run_and_honours_folds():
    """Shuffled with a fixed seed: two calls give the same folds (else the chosen C, and every
    accuracy that depends on it, changes from run to run); ``folds`` is the number of folds; the
    rule changes after exactly 10,000 rows."""
    labels = np.repeat(np.arange(10), 30)
    x = np.zeros((len(labels), 1))
    first = [test.tolist() for _, test in c_selection_split(labels).split(x, labels)]
    again = [test.tolist() for _, test in c_selection_split(labels).split(x, labels)]
    assert first == again
    assert c_selection_split(labels, folds=5).get_n_splits() == 5
    assert c_selection_split(np.arange(10_000) % 10).get_n_splits() == 3
    assert list(c_selection_split(np.arange(10_001) % 10).split(np.zeros((10_001, 1))))[0][1][0] == 5_001


def test_logistic_accuracy_passes_its_folds_and_iterations_on(monkeypatch):
    """``folds`` and ``max_iter`` reach the fit: a notebook that asks for them gets them."""
    import course_utils.evaluation as evaluation

    seen = {}
    real = evaluation.LogisticRegressionCV

    def spy(**kwargs):
        seen.update(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(evaluation, "LogisticRegressionCV", spy)
    rng = np.random.default_rng(0)
    labels = np.arange(200) % 10
    feats = labels[:, None] + rng.normal(size=(200, 3))
    logistic_accuracy(feats, labels, feats[:50], labels[:50], folds=5, max_iter=7)
    assert seen["max_iter"] == 7 and seen["cv"].get_n_splits() == 5
    first = logistic_accuracy(feats, labels, feats[:50], labels[:50])
    again = logistic_accuracy(feats, labels, feats[:50], labels[:50])
    assert (first.accuracy, first.C) == (again.accuracy, again.C)
