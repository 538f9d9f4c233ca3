"""Loading MNIST and Fashion-MNIST: pixels, shapes and labels exactly as documented, every broken file explained,
and the real file checked when it is there.

The fake arrays (``tests/conftest.py``) have labels in a random order and images that show their
own label in row 0, with pixels 0 and 255 in every image: scaling by the wrong number, labels
from the other end or reversed, and images flattened in the wrong order all fail here.
"""
import zipfile
from pathlib import Path

import numpy as np
import pytest

from course_utils import data
from course_utils.data import MnistDataError, balanced_subset, load_fashion_mnist, load_mnist


def test_the_fake_data_can_expose_mix_ups(fake_arrays, shown_labels):
    for split in ("train", "test"):
        x, y = fake_arrays[f"x_{split}"], fake_arrays[f"y_{split}"]
        np.testing.assert_array_equal(shown_labels(x), y)
        assert (np.bincount(y) == len(y) // 10).all()
        assert not np.array_equal(y[:100], y[-100:]) and not np.array_equal(y, y[::-1])
        assert not np.array_equal(y[:100], np.arange(100) % 10)
        assert (x.min(axis=(1, 2)) == 0).all() and (x.max(axis=(1, 2)) == 255).all()


def test_shapes_dtypes_and_ranges(fake_data_dir):
    (x_train, y_train), (x_test, y_test) = load_mnist()
    assert x_train.shape == (60_000, 28, 28) and x_test.shape == (10_000, 28, 28)
    assert y_train.shape == (60_000,) and y_train.dtype == np.uint8
    assert y_test.shape == (10_000,) and y_test.dtype == np.uint8
    assert set(np.unique(y_test)) == set(range(10))


def test_scaling_divides_by_255_into_float32(fake_data_dir, fake_arrays):
    (x_train, _), (x_test, _) = load_mnist()
    for x, raw in ((x_train, fake_arrays["x_train"]), (x_test, fake_arrays["x_test"])):
        assert x.dtype == np.float32
        assert x.min() == 0.0 and x.max() == 1.0  # 255 / 256 would give a maximum of 0.996
        np.testing.assert_allclose(x[:500] * 255.0, raw[:500], atol=1e-4)


def test_unscaled_pixels_are_the_files_bytes(fake_data_dir, fake_arrays):
    (x_train, y_train), (x_test, y_test) = load_mnist(scale=False)
    assert x_train.dtype == x_test.dtype == np.uint8
    for key, array in (("x_train", x_train), ("y_train", y_train), ("x_test", x_test), ("y_test", y_test)):
        np.testing.assert_array_equal(array, fake_arrays[key], err_msg=key)


@pytest.mark.parametrize("scale", [True, False])
def test_flattening_is_row_major(fake_data_dir, fake_arrays, scale):
    (flat, _), (flat_test, _) = load_mnist(scale=scale, flatten=True, n_train=50, n_test=20)
    (images, _), _ = load_mnist(scale=scale, n_train=50, n_test=20)
    assert flat.shape == (50, 784) and flat_test.shape == (20, 784) and flat.dtype == images.dtype
    np.testing.assert_array_equal(flat, images.reshape(50, 784))
    for row, col in ((0, 5), (3, 27), (27, 0), (14, 9)):
        np.testing.assert_array_equal(flat[:, 28 * row + col], images[:, row, col])
    raw = fake_arrays["x_test"][:20].reshape(20, -1)
    np.testing.assert_array_equal(flat_test, raw / np.float32(255) if scale else raw)


@pytest.mark.parametrize("scale, flatten, n_train, n_test", [
    (True, False, None, None), (False, True, None, None), (True, True, 100, 7), (False, False, 1, 10_000),
    (True, False, 60_000, 1),
])
def test_labels_line_up_with_their_images(fake_data_dir, fake_arrays, shown_labels, scale, flatten, n_train, n_test):
    (x_train, y_train), (x_test, y_test) = load_mnist(scale=scale, flatten=flatten, n_train=n_train, n_test=n_test)
    for split, x, y, n in (("train", x_train, y_train, n_train), ("test", x_test, y_test, n_test)):
        n = len(fake_arrays[f"y_{split}"]) if n is None else n
        assert len(x) == len(y) == n
        np.testing.assert_array_equal(y, fake_arrays[f"y_{split}"][:n], err_msg=f"y_{split}: the first {n} labels")
        np.testing.assert_array_equal(shown_labels(x), y, err_msg=f"x_{split} and y_{split} are out of step")
        raw = fake_arrays[f"x_{split}"][:n]
        for rows in (slice(None, 500), slice(-500, None)):  # both ends of the subset
            np.testing.assert_array_equal(x[rows].reshape(raw[rows].shape),
                                          raw[rows] / np.float32(255) if scale else raw[rows],
                                          err_msg=f"the first {n} images")


@pytest.mark.parametrize("n_train", [0, 60_001, -5])
def test_subset_out_of_range_is_explained(fake_data_dir, n_train):
    with pytest.raises(ValueError, match=f"n_train={n_train} is out of range"):
        load_mnist(n_train=n_train)


# --- balanced_subset --------------------------------------------------------------------------

def _labels(n: int = 1_000) -> np.ndarray:
    """``n`` labels, each digit ``n // 10`` times, in a seeded random order."""
    return np.random.default_rng(3).permutation(np.arange(n) % 10)


def test_balanced_subset_takes_per_class_of_each_digit_once():
    labels = _labels()
    idx = balanced_subset(labels, 7, seed=1)
    assert idx.shape == (70,) and np.issubdtype(idx.dtype, np.integer)
    assert len(set(idx.tolist())) == 70, "an index is repeated"
    assert (np.diff(idx) > 0).all() and 0 <= idx.min() and idx.max() < len(labels)
    np.testing.assert_array_equal(np.bincount(labels[idx], minlength=10), [7] * 10)


def test_balanced_subset_can_take_every_example_of_a_digit():
    labels = np.r_[_labels(), [3] * 5]
    labels[labels == 3] = 0
    labels[-5:] = 3  # only five 3s, at the very end
    idx = balanced_subset(labels, 5, seed=0)
    np.testing.assert_array_equal(idx[labels[idx] == 3], np.arange(len(labels) - 5, len(labels)))
    np.testing.assert_array_equal(np.bincount(labels[idx], minlength=10), [5] * 10)
    with pytest.raises(ValueError, match="only 5 examples of digit 3, cannot take 6"):
        balanced_subset(labels, 6)


def test_balanced_subset_is_a_seeded_draw_from_the_whole_range():
    labels = _labels()
    idx = balanced_subset(labels, 7, seed=1)
    np.testing.assert_array_equal(idx, balanced_subset(labels, 7, seed=1))
    np.testing.assert_array_equal(balanced_subset(list(labels), 7, seed=1), idx)
    assert not np.array_equal(idx, balanced_subset(labels, 7, seed=2))
    assert idx.min() < 100 and idx.max() >= 900, "the draw must come from the whole range, not one end"
    for digit in range(10):
        candidates = np.flatnonzero(labels == digit)
        picked = idx[labels[idx] == digit]
        assert not np.array_equal(picked, candidates[:7]) and not np.array_equal(picked, candidates[-7:])


def test_balanced_subset_picks_images_of_their_labels(fake_data_dir, shown_labels):
    (x_train, y_train), _ = load_mnist(n_train=2_000)
    idx = balanced_subset(y_train, 10, seed=0)
    np.testing.assert_array_equal(shown_labels(x_train[idx]), y_train[idx])
    np.testing.assert_array_equal(np.bincount(shown_labels(x_train[idx]), minlength=10), [10] * 10)


def _assert_clear(exc_info, path, *words):
    msg = str(exc_info.value)
    assert str(path) in msg, msg
    assert "COURSE_DATA_DIR" in msg and "How to fix" in msg, msg
    for w in words:
        assert w in msg, msg


def test_missing_file(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(MnistDataError) as e:
        load_mnist()
    _assert_clear(e, tmp_path / "mnist.npz", "does not exist")


def test_truncated_file(data_dir):
    path = data_dir / "mnist.npz"
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 3])
    with pytest.raises(MnistDataError) as e:
        load_mnist()
    _assert_clear(e, path, "truncated")


def test_not_an_archive(data_dir):
    path = data_dir / "mnist.npz"
    path.write_text("<html>Not Found</html>")
    with pytest.raises(MnistDataError) as e:
        load_mnist()
    _assert_clear(e, path, "truncated or not an .npz")


def test_pickled_objects_are_refused(data_dir, fake_arrays):
    path = data_dir / "mnist.npz"
    arrays = dict(fake_arrays, y_test=np.array([{"evil": 1}] * 10_000, dtype=object))
    np.savez(path, **arrays)
    with pytest.raises(MnistDataError) as e:
        load_mnist()
    _assert_clear(e, path, "pickled")


def test_missing_key(data_dir, fake_arrays):
    path = data_dir / "mnist.npz"
    np.savez(path, **{k: v for k, v in fake_arrays.items() if k != "y_test"})
    with pytest.raises(MnistDataError) as e:
        load_mnist()
    _assert_clear(e, path, "y_test")


@pytest.mark.parametrize("key, bad, words", [
    ("x_train", np.zeros((60_000, 784), np.uint8), ["x_train", "(60000, 28, 28)"]),
    ("x_test", np.zeros((10_000, 28, 28), np.float32), ["x_test", "uint8"]),
    ("x_test", np.zeros((10_000, 28, 28), np.uint8), ["x_test", "all zeros"]),
    ("y_train", np.full(60_000, 11, np.uint8), ["y_train", "0-9"]),
    ("y_train", np.r_[np.zeros(59_999, np.uint8), [10]].astype(np.uint8), ["y_train", "0-9", "0..10"]),
    ("y_test", np.r_[np.zeros(9_999, np.int64), [-1]], ["y_test", "0-9", "-1..0"]),
    ("y_test", np.zeros(10_000, np.float32), ["y_test", "0-9", "float32"]),
    ("y_test", np.zeros(9_999, np.uint8), ["y_test", "(10000,)"]),
])
def test_wrong_arrays(data_dir, fake_arrays, key, bad, words):
    path = data_dir / "mnist.npz"
    np.savez(path, **dict(fake_arrays, **{key: bad}))
    with pytest.raises(MnistDataError) as e:
        load_mnist()
    _assert_clear(e, path, *words)


def test_without_variable_uses_keras_download(monkeypatch, fake_arrays, fake_is_mnist):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    calls = []

    def fake_load_data():
        calls.append(1)
        a = fake_arrays
        return (a["x_train"], a["y_train"]), (a["x_test"], a["y_test"])

    import keras
    monkeypatch.setattr(keras.datasets.mnist, "load_data", fake_load_data)
    (x_train, _), _ = load_mnist(n_train=5)
    assert calls == [1] and x_train.shape == (5, 28, 28)
    assert "Keras download" in data.data_source()


def test_right_shapes_but_not_mnist_are_rejected(data_dir, fake_arrays):
    path = data_dir / "mnist.npz"
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 256, size=(10_000, 28, 28), dtype=np.uint8)
    np.savez(path, **dict(fake_arrays, x_test=noise))
    with pytest.raises(MnistDataError) as e:
        load_mnist()
    _assert_clear(e, path, "x_test", "not its content", "pixel mean")
    np.savez(path, **dict(fake_arrays, y_train=rng.permutation(fake_arrays["y_train"])))
    with pytest.raises(MnistDataError) as e:
        load_mnist()
    _assert_clear(e, path, "y_train", "not its content")


def test_the_real_digests_reject_the_fake_arrays(tmp_path, monkeypatch, fake_arrays):
    np.savez(tmp_path / "mnist.npz", **fake_arrays)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(MnistDataError, match="x_train has MNIST's shape but not its content"):
        load_mnist()


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_variable_is_an_error_not_a_silent_download(monkeypatch, value):
    monkeypatch.setenv("COURSE_DATA_DIR", value)
    import keras
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: pytest.fail("must not download"))
    with pytest.raises(MnistDataError, match="set but empty"):
        load_mnist()
    assert data.main([]) == 1


def test_failed_download_gets_the_clear_error(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)

    def offline():
        raise OSError("[Errno -3] Temporary failure in name resolution")

    import keras
    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(MnistDataError) as e:
        load_mnist()
    msg = str(e.value)
    for words in ("Downloading MNIST with Keras failed", "name resolution", "COURSE_DATA_DIR", "--copy-to"):
        assert words in msg, msg


def test_cli_verifies_and_copies(fake_data_dir, fake_arrays, tmp_path_factory, capsys):
    target = tmp_path_factory.mktemp("classroom")
    assert data.main(["--copy-to", str(target), "--dataset", "mnist"]) == 0
    out = capsys.readouterr().out
    assert "OK: MNIST verified." in out and "label counts" in out
    with zipfile.ZipFile(target / "mnist.npz") as z:
        assert sorted(z.namelist()) == sorted(f"{k}.npy" for k in data.KEYS)
    with np.load(target / "mnist.npz", allow_pickle=False) as npz:
        for key in data.KEYS:
            np.testing.assert_array_equal(npz[key], fake_arrays[key], err_msg=key)


def test_cli_reports_bad_file(data_dir, capsys):
    (data_dir / "mnist.npz").write_bytes(b"garbage")
    assert data.main([]) == 1
    assert "ERROR" in capsys.readouterr().err


# --- the real file: skipped without COURSE_DATA_DIR, failed instead under COURSE_REQUIRE_DATA=1 ----

def test_real_mnist_matches_published_facts(real_mnist_dir):
    (x_train, y_train), (x_test, y_test) = load_mnist(scale=False)
    assert round(float(x_train.mean()), 6) == 33.318421
    assert round(float(x_test.mean()), 6) == 33.791224
    assert list(np.bincount(y_test)) == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert list(y_train[:10]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert list(y_train[-10:]) == [9, 2, 9, 5, 1, 8, 3, 5, 6, 8]
    (x_scaled, _), _ = load_mnist(n_train=10)
    assert x_scaled.min() == 0.0 and x_scaled.max() == 1.0


def test_real_mnist_with_shuffled_labels_is_rejected(real_mnist_dir):
    with np.load(real_mnist_dir / "mnist.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in data.KEYS}
    data.validate_mnist(arrays, "the real file")  # the real arrays pass
    arrays["y_test"] = np.random.default_rng(0).permutation(arrays["y_test"])
    with pytest.raises(MnistDataError, match="y_test .*shuffled labels"):
        data.validate_mnist(arrays, "a shuffled copy")


@pytest.mark.parametrize("data_var, require, outcome, words", [
    (None, None, pytest.skip.Exception, "needs the real MNIST, and COURSE_DATA_DIR is not set"),
    (None, "0", pytest.skip.Exception, "needs the real MNIST, and COURSE_DATA_DIR is not set"),
    (None, "1", pytest.fail.Exception, "COURSE_REQUIRE_DATA=1 but COURSE_DATA_DIR is not set"),
    ("empty folder", None, pytest.fail.Exception, "mnist.npz does not exist"),
    ("empty folder", "1", pytest.fail.Exception, "mnist.npz does not exist"),
])
def test_real_data_tests_skip_only_when_not_required(request, monkeypatch, tmp_path, data_var, require,
                                                     outcome, words):
    """Without COURSE_DATA_DIR a test that needs the real MNIST skips, saying why, unless
    COURSE_REQUIRE_DATA=1 (CI) makes it fail; a variable naming a folder without the file fails."""
    if data_var is None:
        monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    else:
        monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    if require is None:
        monkeypatch.delenv("COURSE_REQUIRE_DATA", raising=False)
    else:
        monkeypatch.setenv("COURSE_REQUIRE_DATA", require)
    with pytest.raises((pytest.skip.Exception, pytest.fail.Exception), match=words) as outcome_info:
        request.getfixturevalue("real_mnist_dir")
    assert outcome_info.type is outcome  # a skip where a failure is due must fail this test, not skip it


def test_real_data_fixture_returns_the_folder(request, monkeypatch, tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert request.getfixturevalue("real_mnist_dir") == tmp_path


# --- Fashion-MNIST: the same loader, the same checks ---------------------------------------------

LOADERS = {"mnist": load_mnist, "fashion_mnist": load_fashion_mnist}


@pytest.fixture
def fake_is_fashion(monkeypatch, fake_arrays, fake_is_mnist):
    """Make the content check accept the fake arrays as Fashion-MNIST too."""
    monkeypatch.setattr(data, "FASHION_MNIST_SHA256", dict(fake_is_mnist))
    return fake_is_mnist


@pytest.fixture(params=["mnist", "fashion_mnist"])
def any_data_dir(request, tmp_path, monkeypatch, fake_arrays, fake_is_fashion):
    """``(dataset, folder, file)``: a folder of this test's own holding a valid fake file of each data
    set in turn (the test may damage it), with COURSE_DATA_DIR pointing at it."""
    name = request.param
    path = tmp_path / data.DATASETS[name].file_name
    np.savez(path, **fake_arrays)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    return name, tmp_path, path


def test_fashion_mnist_loads_its_own_file_with_the_same_layout(any_data_dir, fake_arrays, shown_labels):
    name, folder, path = any_data_dir
    other = next(spec.file_name for key, spec in data.DATASETS.items() if key != name)
    assert not (folder / other).exists()  # each loader reads its own file only
    (x_train, y_train), (x_test, y_test) = LOADERS[name](flatten=True, n_test=500)
    assert x_train.shape == (60_000, 784) and x_test.shape == (500, 784) and x_train.dtype == np.float32
    assert y_train.dtype == y_test.dtype == np.uint8
    np.testing.assert_array_equal(y_train, fake_arrays["y_train"])
    np.testing.assert_array_equal(shown_labels(x_test), y_test)
    assert str(path) in data.data_source(name)
    assert data.load_dataset(name, n_train=3)[0][0].shape == (3, 28, 28)


@pytest.mark.parametrize("label_dtype", [np.int64, np.int32, np.uint16])
def test_labels_are_cast_to_uint8_whatever_the_file_holds(any_data_dir, fake_arrays, label_dtype):
    """Keras' own files hold uint8 labels, so without this test a loader that forgot the cast would pass."""
    name, _, path = any_data_dir
    arrays = dict(fake_arrays, y_train=fake_arrays["y_train"].astype(label_dtype),
                  y_test=fake_arrays["y_test"].astype(label_dtype))
    np.savez(path, **arrays)
    for scale in (True, False):
        (_, y_train), (_, y_test) = LOADERS[name](scale=scale, n_train=100)
        assert y_train.dtype == np.uint8 and y_test.dtype == np.uint8, (name, y_train.dtype, y_test.dtype)
        np.testing.assert_array_equal(y_test, fake_arrays["y_test"])


@pytest.mark.parametrize("key, bad, words", [
    ("x_train", np.zeros((60_000, 784), np.uint8), ["x_train", "(60000, 28, 28)"]),
    ("x_test", np.zeros((10_000, 28, 28), np.float32), ["x_test", "uint8"]),
    ("y_train", np.full(60_000, 11, np.uint8), ["y_train", "0-9"]),
    ("y_test", np.zeros(10_000, np.float32), ["y_test", "0-9", "float32"]),
    ("y_test", np.zeros(9_999, np.uint8), ["y_test", "(10000,)"]),
])
def test_both_data_sets_refuse_wrong_arrays(any_data_dir, fake_arrays, key, bad, words):
    name, _, path = any_data_dir
    np.savez(path, **dict(fake_arrays, **{key: bad}))
    with pytest.raises(MnistDataError) as e:
        LOADERS[name]()
    _assert_clear(e, path, *words, data.DATASETS[name].file_name)


def test_both_data_sets_refuse_pickled_objects(any_data_dir, fake_arrays):
    name, _, path = any_data_dir
    np.savez(path, **dict(fake_arrays, x_train=np.array([{"evil": 1}] * 60_000, dtype=object)))
    with pytest.raises(MnistDataError) as e:
        LOADERS[name]()
    _assert_clear(e, path, "pickled")


def test_both_data_sets_check_their_own_checksums(any_data_dir, fake_arrays, monkeypatch):
    name, _, path = any_data_dir
    title = data.DATASETS[name].title
    np.savez(path, **dict(fake_arrays, y_test=np.roll(fake_arrays["y_test"], 1)))
    with pytest.raises(MnistDataError) as e:
        LOADERS[name]()
    _assert_clear(e, path, "y_test", f"{title}'s shape but not its content")
    assert "shuffled labels" in str(e.value) or f"({title}: " in str(e.value)
    np.savez(path, **fake_arrays)
    LOADERS[name](n_train=1)  # the intact file loads...
    other = "FASHION_MNIST_SHA256" if name == "mnist" else "MNIST_SHA256"
    monkeypatch.setattr(data, other, {k: "0" * 64 for k in data.KEYS})
    LOADERS[name](n_train=1)  # ...checked against its own digests, not the other data set's
    monkeypatch.setattr(data, data.DATASETS[name].sha_name, {**getattr(data, data.DATASETS[name].sha_name),
                                                             "x_train": "0" * 64})
    with pytest.raises(MnistDataError, match=f"x_train has {title}'s shape but not its content: pixel mean"):
        LOADERS[name]()


def test_missing_fashion_file_names_it(tmp_path, monkeypatch, fake_arrays):
    np.savez(tmp_path / "mnist.npz", **fake_arrays)  # MNIST is there, Fashion-MNIST is not
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(MnistDataError) as e:
        load_fashion_mnist()
    _assert_clear(e, tmp_path / "fashion_mnist.npz", "does not exist", "Fashion-MNIST")


def test_fashion_without_variable_uses_keras_fashion_download(monkeypatch, fake_arrays, fake_is_fashion):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    import keras

    a = fake_arrays
    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data",
                        lambda: ((a["x_train"], a["y_train"].astype(np.int64)), (a["x_test"], a["y_test"])))
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: pytest.fail("the MNIST download"))
    (x_train, y_train), _ = load_fashion_mnist(n_train=5)
    assert x_train.shape == (5, 28, 28) and y_train.dtype == np.uint8
    assert "keras.datasets.fashion_mnist" in data.data_source("fashion_mnist")

    def offline():
        raise OSError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", offline)
    with pytest.raises(MnistDataError, match="Downloading Fashion-MNIST with Keras failed.*fashion_mnist.npz"):
        load_fashion_mnist()


def test_unknown_data_set_is_named():
    with pytest.raises(ValueError, match="unknown data set 'cifar'.*mnist, fashion_mnist"):
        data.load_dataset("cifar")


def test_cli_verifies_and_copies_both(any_data_dir, fake_arrays, tmp_path_factory, capsys):
    name, folder, _ = any_data_dir
    np.savez(folder / "mnist.npz", **fake_arrays)
    np.savez(folder / "fashion_mnist.npz", **fake_arrays)
    target = tmp_path_factory.mktemp("classroom")
    assert data.main(["--copy-to", str(target)]) == 0
    out = capsys.readouterr().out
    assert "OK: MNIST verified." in out and "OK: Fashion-MNIST verified." in out
    for file_name in ("mnist.npz", "fashion_mnist.npz"):
        with np.load(target / file_name, allow_pickle=False) as npz:
            np.testing.assert_array_equal(npz["y_test"], fake_arrays["y_test"])
        import zipfile
        with zipfile.ZipFile(target / file_name) as archive:  # compressed, as the docstring promises
            assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    (folder / "fashion_mnist.npz").write_bytes(b"garbage")
    assert data.main(["--dataset", "mnist"]) == 0
    assert data.main([]) == 1
    assert "fashion_mnist.npz" in capsys.readouterr().err


@pytest.fixture
def real_fashion_dir(real_mnist_dir) -> Path:
    """The folder of the real MNIST, which must hold the real Fashion-MNIST too (skipped, or failed
    under COURSE_REQUIRE_DATA=1, as the real MNIST's tests are)."""
    if not (real_mnist_dir / "fashion_mnist.npz").is_file():
        pytest.fail(f"COURSE_DATA_DIR={real_mnist_dir} but {real_mnist_dir / 'fashion_mnist.npz'} does not exist: "
                    "`python -m course_utils.data --copy-to FOLDER` writes it on a machine with internet")
    return real_mnist_dir


def test_real_fashion_mnist_matches_published_facts(real_fashion_dir):
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(scale=False)
    assert round(float(x_train.mean()), 6) == 72.940352
    assert round(float(x_test.mean()), 6) == 73.146567
    assert list(np.bincount(y_train)) == [6000] * 10 and list(np.bincount(y_test)) == [1000] * 10
    assert list(y_train[:10]) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert list(y_test[:10]) == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert y_train.dtype == y_test.dtype == np.uint8


def test_real_files_are_not_each_other(real_fashion_dir, tmp_path, monkeypatch):
    """MNIST saved under Fashion-MNIST's name (and the reverse) fails the content check."""
    (tmp_path / "fashion_mnist.npz").symlink_to(real_fashion_dir / "mnist.npz")
    (tmp_path / "mnist.npz").symlink_to(real_fashion_dir / "fashion_mnist.npz")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(MnistDataError, match="x_train has Fashion-MNIST's shape but not its content: pixel mean 33"):
        load_fashion_mnist()
    with pytest.raises(MnistDataError, match="x_train has MNIST's shape but not its content: pixel mean 72"):
        load_mnist()


def test_a_data_folder_under_the_home_folder_may_be_written_with_a_tilde(fake_data_dir, monkeypatch):
    """``COURSE_DATA_DIR="~/classroom-data"`` (quoted in a script, or set from Python, so no shell expanded
    the ~) names a folder in the home folder."""
    monkeypatch.setenv("HOME", str(fake_data_dir.parent))
    monkeypatch.setenv("COURSE_DATA_DIR", f"~/{fake_data_dir.name}")
    (x_train, _), _ = load_mnist(n_train=10, n_test=10)
    assert x_train.shape == (10, 28, 28)
    assert str(fake_data_dir) in data.data_source()


def test_describe_reports_each_splits_size_pixel_mean_and_label_counts():
    """The CLI's summary of a copy: its counts are per label 0-9 in order, its mean over all pixels."""
    arrays = {"x_train": np.full((4, 28, 28), 255, np.uint8), "y_train": np.array([9, 9, 0, 3], np.uint8),
              "x_test": np.zeros((2, 28, 28), np.uint8), "y_test": np.array([1, 1], np.uint8)}
    arrays["x_train"][:2] = 0
    assert data.describe(arrays).splitlines() == [
        "train: 4 images 28x28 uint8, pixel mean 127.500000, label counts 1 0 0 1 0 0 0 0 0 2",
        "test: 2 images 28x28 uint8, pixel mean 0.000000, label counts 0 2 0 0 0 0 0 0 0 0",
    ]


def test_balanced_subset_draws_each_digit_from_one_stream_not_the_same_positions():
    """With every digit's examples at the same positions (labels 0-9 repeating), a draw re-seeded for
    each digit would pick the same positions ten times; one generator for all digits does not."""
    labels = np.arange(1_000) % 10
    idx = balanced_subset(labels, 7, seed=1)
    positions = [tuple(np.sort(idx[labels[idx] == digit] // 10)) for digit in range(10)]
    assert len(set(positions)) > 1, positions


def test_fashion_mnist_class_names_follow_the_published_label_order():
    """Zalando's order (github.com/zalandoresearch/fashion-mnist): label 0 is a T-shirt/top, 9 an ankle boot."""
    assert data.FASHION_MNIST_CLASSES == ("T-shirt/top", "trouser", "pullover", "dress", "coat",
                                          "sandal", "shirt", "sneaker", "bag", "ankle boot")
