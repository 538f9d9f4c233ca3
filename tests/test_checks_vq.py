"""Notebook 14's checkers accept right answers and reject realistic wrong ones, without crashing."""
import numpy as np
import pytest
from keras import ops

from course_utils import checks


def perplexity_right(counts):
    p = counts[counts > 0] / counts.sum()
    return float(np.exp(-np.sum(p * np.log(p))))


def perplexity_base2(counts):  # 2 ** (entropy in bits) is the same number
    p = counts[counts > 0] / counts.sum()
    return float(2 ** (-np.sum(p * np.log2(p))))


def perplexity_float32(counts):  # the same formula in float32, as a GPU-minded student writes it
    p = (counts[counts > 0] / counts.sum()).astype("float32")
    return np.exp(-np.sum(p * np.log(p)))


def perplexity_float32_as_float(counts):
    return float(perplexity_float32(counts))


def perplexity_keras_ops(counts):
    c = ops.convert_to_tensor(counts[counts > 0], dtype="float32")
    p = c / ops.sum(c)
    return ops.exp(-ops.sum(p * ops.log(p)))


def perplexity_entropy(counts):  # forgot the exp
    p = counts[counts > 0] / counts.sum()
    return float(-np.sum(p * np.log(p)))


def perplexity_unnormalised(counts):  # counts used as if they were shares
    c = counts[counts > 0].astype(float)
    return float(np.exp(-np.sum(c * np.log(c))))


def perplexity_with_zeros(counts):  # 0 * log 0 -> nan
    p = counts / counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.exp(-np.sum(p * np.log(p))))


def perplexity_used_codes(counts):  # the number of used codes is not the perplexity
    return float(np.sum(counts > 0))


@pytest.mark.parametrize("fn", [perplexity_right, perplexity_base2, perplexity_float32,
                                perplexity_float32_as_float, perplexity_keras_ops])
def test_perplexity_accepts_right_answers(fn):
    assert checks.check_perplexity(fn).passed


@pytest.mark.parametrize("fn", [perplexity_entropy, perplexity_unnormalised, perplexity_with_zeros,
                                perplexity_used_codes, lambda c: None, lambda c: [1.0, 2.0], lambda c: "64",
                                lambda c: 1 / 0, 3.0, "perplexity"])
def test_perplexity_rejects_wrong_answers(fn):
    fb = checks.check_perplexity(fn)
    assert not fb.passed and fb.message


def test_perplexity_unanswered():
    fb = checks.check_perplexity(None)
    assert not fb.passed and "Replace None" in fb.message


def nearest_right(z, codebook):  # the notebook's formula in keras.ops
    flat = ops.reshape(z, (-1, ops.shape(z)[-1]))
    d = (ops.sum(flat ** 2, axis=1, keepdims=True) - 2 * ops.matmul(flat, ops.transpose(codebook))
         + ops.sum(codebook ** 2, axis=1))
    return ops.reshape(ops.argmin(d, axis=1), ops.shape(z)[:-1])


def nearest_broadcast(z, codebook):  # plain NumPy, broadcasting all distances
    d = ((z[..., None, :] - codebook) ** 2).sum(-1)
    return d.argmin(-1)


def nearest_dot(z, codebook):  # largest dot product: ignores |e|^2
    return np.argmax(z @ codebook.T, axis=-1)


def nearest_argmax(z, codebook):  # farthest code
    return ((z[..., None, :] - codebook) ** 2).sum(-1).argmax(-1)


def nearest_flat(z, codebook):  # right indices, flattened
    return nearest_broadcast(z, codebook).reshape(-1)


def nearest_distances(z, codebook):  # returns the distances, not indices
    return ((z[..., None, :] - codebook) ** 2).sum(-1).min(-1)


def nearest_vectors(z, codebook):  # returns the quantised vectors
    return codebook[nearest_broadcast(z, codebook)]


@pytest.mark.parametrize("fn", [nearest_right, nearest_broadcast])
def test_nearest_accepts_right_answers(fn):
    assert checks.check_nearest_codes(fn).passed


@pytest.mark.parametrize("fn", [nearest_dot, nearest_argmax, nearest_flat, nearest_distances, nearest_vectors,
                                lambda z, c: None, lambda z, c: "codes", lambda z, c: z[..., 0] * 0,
                                lambda z: z, 7])
def test_nearest_rejects_wrong_answers(fn):
    fb = checks.check_nearest_codes(fn)
    assert not fb.passed and fb.message


def test_nearest_hints_name_the_mistake():
    assert "dot product" in checks.check_nearest_codes(nearest_dot).message
    assert "argmin" in checks.check_nearest_codes(nearest_argmax).message
    assert "shape" in checks.check_nearest_codes(nearest_flat).message


# Almost-right answers (found by a mutation audit: these survived a loosened tolerance or a lost message).
def test_perplexity_with_log_p_plus_eps_fails():
    def log_eps(counts):
        p = counts / counts.sum()
        return float(np.exp(-np.sum(p * np.log(p + 1e-3))))
    assert not checks.check_perplexity(log_eps).passed


def test_perplexity_array_gets_one_number_message():
    fb = checks.check_perplexity(lambda counts: np.full(2, perplexity_right(counts)))
    assert not fb.passed and "one number" in fb.message


def test_perplexity_nan_from_zero_counts_is_explained():
    assert "count 0" in checks.check_perplexity(perplexity_with_zeros).message


def test_nearest_one_wrong_index_fails_and_says_how_many():
    def one_off(z, codebook):
        out = np.array(nearest_broadcast(z, codebook))
        out.flat[0] = (out.flat[0] + 1) % len(codebook)
        return out
    fb = checks.check_nearest_codes(one_off)
    assert not fb.passed
    assert "100%" not in fb.message and " of your " in fb.message


def test_nearest_distances_get_the_indices_message():
    assert "not the distances" in checks.check_nearest_codes(nearest_distances).message


# A right perplexity in float16 (about 3 significant digits) passes; a float64 answer is still held to 1e-4.
def test_perplexity_in_float16_passes_and_wrong_ones_still_fail():
    assert checks.check_perplexity(lambda c: np.float16(perplexity_right(c))).passed
    assert checks.check_perplexity(lambda c: ops.convert_to_tensor(perplexity_right(c), dtype="float16")).passed
    assert not checks.check_perplexity(lambda c: np.float16(perplexity_entropy(c))).passed
    assert not checks.check_perplexity(lambda c: perplexity_right(c) * 1.001).passed


def test_a_function_still_returning_none_is_told_so():
    assert "returns None" in checks.check_perplexity(lambda counts: None).message
    assert "returns None" in checks.check_nearest_codes(lambda z, codebook: None).message
