"""Checkers of notebook 13 (sparse autoencoders): right answers pass, plausible wrong answers fail,
odd inputs get feedback instead of an exception."""
import numpy as np
import pytest

import course_utils  # noqa: F401  (before keras: quiet TensorFlow start-up)
from keras import ops

from course_utils import checks
from course_utils.checks.sparse import batch_top_k, sparsity_stats

ODD = [None, "abc", 3.5, [1, 2], np.zeros((2, 2)), {"a": 1}, object()]


def _fails_with(fb, *words):
    assert not fb.passed, fb
    for w in words:
        assert w in fb.message, fb.message


# --- exercise 1: BatchTopK in keras.ops -------------------------------------------------------------

def right(pre, k):
    flat = ops.reshape(pre, (-1,))
    threshold = ops.top_k(flat, ops.shape(pre)[0] * k)[0][-1]
    return ops.relu(pre) * ops.cast(pre >= threshold, pre.dtype)


def per_row(pre, k):  # plain top-k: the realistic confusion
    kth = ops.top_k(pre, k)[0][:, -1:]
    return ops.relu(pre) * ops.cast(pre >= kth, pre.dtype)


def no_relu(pre, k):
    threshold = ops.top_k(ops.reshape(pre, (-1,)), ops.shape(pre)[0] * k)[0][-1]
    return pre * ops.cast(pre >= threshold, pre.dtype)


def values_only(pre, k):
    return ops.top_k(ops.reshape(pre, (-1,)), ops.shape(pre)[0] * k)[0]


def k_over_batch(pre, k):  # keeps only k in the whole batch
    threshold = ops.top_k(ops.reshape(pre, (-1,)), k)[0][-1]
    return ops.relu(pre) * ops.cast(pre >= threshold, pre.dtype)


def test_reference_keeps_batch_times_k():
    pre = np.array([[3.0, 2.0, -1.0], [0.5, 0.1, -2.0]])
    out = batch_top_k(pre, 1)
    assert np.array_equal(out, [[3.0, 2.0, 0.0], [0.0, 0.0, 0.0]])  # both from the first row
    assert np.array_equal(batch_top_k(-np.abs(pre) - 1, 1), np.zeros_like(pre))  # nothing positive


def test_batch_top_k_right_answer_passes():
    assert checks.check_batch_top_k(right).passed


@pytest.mark.parametrize("wrong, words", [(per_row, ["plain top-k"]), (no_relu, ["negative"]),
                                          (values_only, ["shape"]), (k_over_batch, ["latents are active"])])
def test_batch_top_k_wrong_answers_fail(wrong, words):
    _fails_with(checks.check_batch_top_k(wrong), *words)


@pytest.mark.parametrize("odd", ODD)
def test_batch_top_k_odd_input(odd):
    fb = checks.check_batch_top_k(odd)
    assert not fb.passed


def test_batch_top_k_function_returning_none_or_raising():
    assert "Replace None" in checks.check_batch_top_k(lambda pre, k: None).message
    _fails_with(checks.check_batch_top_k(lambda pre, k: 1 / 0), "ZeroDivisionError")


# --- exercise 2: L0 and dead share ------------------------------------------------------------------

def stats_right(z):
    active = z > 0
    return active.sum(axis=1).mean(), 1 - active.any(axis=0).mean()


def test_reference_on_a_small_matrix():
    z = np.array([[1.0, 0.0, 0.0], [2.0, 3.0, 0.0]])
    assert sparsity_stats(z) == (1.5, 1 / 3)


def test_sparsity_stats_right_answer_passes():
    assert checks.check_sparsity_stats(stats_right).passed


@pytest.mark.parametrize("wrong, words", [
    (lambda z: (np.mean(z > 0), 1 - (z > 0).any(axis=0).mean()), ["not a share"]),
    (lambda z: ((z > 0).sum(axis=0).mean(), 1 - (z > 0).any(axis=0).mean()), ["axis=1"]),
    (lambda z: ((z > 0).sum(), 1 - (z > 0).any(axis=0).mean()), ["total"]),
    (lambda z: ((z > 0).sum(axis=1).mean(), (~(z > 0).any(axis=0)).sum()), ["counted"]),
    (lambda z: ((z > 0).sum(axis=1).mean(), np.mean(z == 0)), ["dead share"]),
    (lambda z: (1 - (z > 0).any(axis=0).mean(), (z > 0).sum(axis=1).mean()), ["swapped"]),
    (lambda z: (z > 0).sum(axis=1).mean(), ["two numbers"]),
])
def test_sparsity_stats_wrong_answers_fail(wrong, words):
    _fails_with(checks.check_sparsity_stats(wrong), *words)


@pytest.mark.parametrize("odd", ODD)
def test_sparsity_stats_odd_input(odd):
    assert not checks.check_sparsity_stats(odd).passed


def test_sparsity_stats_raising_function():
    _fails_with(checks.check_sparsity_stats(lambda z: z.nonexistent), "AttributeError")


# Almost-right answers (found by a mutation audit: these survived a loosened tolerance or a lost message).
def test_leaky_relu_is_not_batch_top_k():
    def leaky(pre, k):
        t = ops.top_k(ops.reshape(pre, (-1,)), ops.shape(pre)[0] * k)[0][-1]
        return ops.leaky_relu(pre, 0.01) * ops.cast(pre >= t, pre.dtype)
    _fails_with(checks.check_batch_top_k(leaky), "negative")


def test_values_only_gets_the_shape_message():
    _fails_with(checks.check_batch_top_k(values_only), "should have the shape of pre")


def test_an_answer_that_is_not_numbers_gets_the_return_message():
    _fails_with(checks.check_batch_top_k(lambda pre, k: "latents"), "return a tensor of numbers")


def test_median_l0_fails():
    _fails_with(checks.check_sparsity_stats(
        lambda z: (np.median((z > 0).sum(axis=1)), 1 - (z > 0).any(axis=0).mean())), "L0")


def test_dead_share_off_by_one_latent_fails():
    _fails_with(checks.check_sparsity_stats(
        lambda z: ((z > 0).sum(axis=1).mean(), ((~(z > 0).any(axis=0)).sum() + 1) / z.shape[1])), "dead share")


def test_l0_twice_is_not_called_swapped():
    def l0_twice(z):
        l0 = (z > 0).sum(axis=1).mean()
        return l0, l0
    fb = checks.check_sparsity_stats(l0_twice)
    assert not fb.passed and "swapped" not in fb.message and "dead share" in fb.message


def test_lazy_answer_that_raises_gets_feedback():
    assert not checks.check_sparsity_stats(lambda z: (1 / 0 for _ in range(2))).passed
