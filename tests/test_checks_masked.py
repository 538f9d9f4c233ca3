"""Checkers of notebook 15 (masked autoencoders): right answers pass, realistic wrong ones fail with
their own message, odd input gets feedback instead of a traceback."""
import numpy as np
import pytest

from course_utils import checks
from course_utils.checks.masked import reference_fill, reference_patchify


def fill_right(patches, mask, position_means):
    return np.where(np.asarray(mask, bool)[..., None], position_means[None], patches)


def fill_loop(patches, mask, position_means):
    out = np.array(patches, dtype=np.float32)
    for i, j in zip(*np.nonzero(mask)):
        out[i, j] = position_means[j]
    return out


def test_fill_masked_accepts_right_answers():
    assert checks.check_fill_masked(fill_right).passed
    assert checks.check_fill_masked(fill_loop).passed


def test_fill_masked_accepts_a_keras_tensor():
    from keras import ops

    def fill_ops(patches, mask, position_means):
        return ops.where(ops.expand_dims(ops.convert_to_tensor(mask), -1), position_means[None], patches)

    assert checks.check_fill_masked(fill_ops).passed


@pytest.mark.parametrize(("wrong", "words"), [
    (lambda p, m, pm: np.where(~np.asarray(m, bool)[..., None], pm[None], p), "mask is true"),
    (lambda p, m, pm: np.broadcast_to(pm[None], p.shape), "every patch was replaced"),
    (lambda p, m, pm: np.where(np.asarray(m, bool)[..., None], pm.mean(axis=0), p), "one mean patch"),
    (lambda p, m, pm: np.where(np.asarray(m, bool)[..., None], 0.0, p), "not the mean patches"),
    (lambda p, m, pm: np.where(np.asarray(m, bool)[..., None], pm[None], 0.0), "a visible patch changed"),
    (lambda p, m, pm: p[np.asarray(m, bool)], "should have shape"),
    (lambda p, m, pm: 1 / 0, "raised ZeroDivisionError"),
    (lambda p, m, pm: "patches", "array of numbers"),
    (lambda p, m, pm: np.full(p.shape, np.nan), "NaN"),
])
def test_fill_masked_rejects_wrong_answers(wrong, words):
    fb = checks.check_fill_masked(wrong)
    assert not fb.passed and words in fb.message, fb.message


@pytest.mark.parametrize("odd", [None, 3, "fill", np.zeros(3)])
def test_fill_masked_odd_input(odd):
    fb = checks.check_fill_masked(odd)
    assert not fb.passed and fb.message


def test_fill_masked_returning_none_is_unanswered():
    fb = checks.check_fill_masked(lambda p, m, pm: None)
    assert not fb.passed and "returns None" in fb.message


def patchify_ops(images, p):
    from keras import ops

    grid = 28 // p
    x = ops.reshape(ops.convert_to_tensor(images), (-1, grid, p, grid, p))
    return ops.reshape(ops.transpose(x, (0, 1, 3, 2, 4)), (-1, grid * grid, p * p))


def test_patchify_accepts_numpy_and_keras_answers():
    assert checks.check_patchify(reference_patchify).passed
    assert checks.check_patchify(patchify_ops).passed


def _within_patch_transposed(images, p):
    grid = 28 // p
    x = np.asarray(images).reshape(-1, grid, p, grid, p).transpose(0, 1, 3, 4, 2)
    return x.reshape(-1, grid * grid, p * p)


def _fixed_seven(images, p):
    return reference_patchify(images, 7)


@pytest.mark.parametrize(("wrong", "words"), [
    (lambda x, p: np.asarray(x).reshape(len(x), -1, p * p), "runs of"),
    (_within_patch_transposed, "not read row by row"),
    (lambda x, p: reference_patchify(np.asarray(x).transpose(0, 2, 1), p), "column by column"),
    (_fixed_seven, "should have shape"),
    (lambda x, p: reference_patchify(x, p) * 2, "not the image's pixels"),
    (lambda x, p: reference_patchify(x, p)[:, ::-1], "not grouped"),
    (lambda x, p: None, "returns None"),
    (lambda x, p: {}["key"], "raised KeyError"),
])
def test_patchify_rejects_wrong_answers(wrong, words):
    fb = checks.check_patchify(wrong)
    assert not fb.passed and words in fb.message, fb.message


@pytest.mark.parametrize("odd", [None, 7, [1, 2]])
def test_patchify_odd_input(odd):
    fb = checks.check_patchify(odd)
    assert not fb.passed and fb.message


def test_references_agree():
    images = np.arange(2 * 28 * 28, dtype=float).reshape(2, 28, 28)
    patches = reference_patchify(images, 7)
    assert patches.shape == (2, 16, 49)
    np.testing.assert_array_equal(patches[0, 1], images[0, :7, 7:14].ravel())
    np.testing.assert_array_equal(patches[1, 4], images[1, 7:14, :7].ravel())
    mask = np.zeros((2, 16), bool)
    mask[:, 3] = True
    filled = reference_fill(patches, mask, np.zeros((16, 49)))
    assert (filled[:, 3] == 0).all() and (filled[:, 2] == patches[:, 2]).all()


# Almost-right answers (found by a mutation audit: these survived a loosened tolerance or a fixed shape).
def test_fill_slightly_off_fails():
    assert not checks.check_fill_masked(
        lambda p, m, pm: np.where(np.asarray(m, bool)[..., None], np.asarray(pm)[None] + 0.01, p)).passed


def test_fill_hard_coded_to_16_positions_fails():
    assert not checks.check_fill_masked(
        lambda p, m, pm: np.where(np.asarray(m, bool).reshape(-1, 16, 1), np.asarray(pm)[None], p)).passed


# A right answer in a coarser float (float16 keeps about 3 digits) passes; the tolerance follows the
# answer's own precision, so a float64 answer is still held to 1e-6 and a float16 one to its epsilon.
def test_float16_right_answers_pass():
    assert checks.check_fill_masked(lambda p, m, pm: fill_right(p, m, pm).astype(np.float16)).passed
    assert checks.check_patchify(lambda x, p: reference_patchify(x, p).astype(np.float16)).passed


def test_float16_wrong_answers_still_fail():
    off = lambda p, m, pm: np.where(np.asarray(m, bool)[..., None], pm[None] + 0.01, p).astype(np.float16)  # noqa: E731
    assert not checks.check_fill_masked(off).passed
    assert "column by column" in checks.check_patchify(
        lambda x, p: reference_patchify(np.asarray(x).transpose(0, 2, 1), p).astype(np.float16)).message


def test_float64_answers_keep_the_tight_tolerance():
    assert not checks.check_fill_masked(
        lambda p, m, pm: np.where(np.asarray(m, bool)[..., None], np.asarray(pm)[None] + 1e-4, p)).passed
    assert not checks.check_patchify(lambda x, p: reference_patchify(x, p) + 1e-4).passed
