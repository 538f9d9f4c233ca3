import os
import zipfile

import numpy as np
import pytest

from course_utils import data
from course_utils.data import MnistDataError, load_mnist


def test_shapes_dtypes_and_ranges(data_dir):
    (x_train, y_train), (x_test, y_test) = load_mnist()
    assert x_train.shape == (60_000, 28, 28) and x_test.shape == (10_000, 28, 28)
    assert x_train.dtype == np.float32 and 0.0 <= x_train.min() and x_train.max() <= 1.0
    assert y_train.shape == (60_000,) and y_train.dtype == np.uint8
    assert set(np.unique(y_test)) == set(range(10))


def test_options_flatten_unscaled_and_subset(data_dir, fake_arrays):
    (x_train, y_train), (x_test, _) = load_mnist(scale=False, flatten=True, n_train=100, n_test=7)
    assert x_train.shape == (100, 784) and x_train.dtype == np.uint8
    assert x_test.shape == (7, 784)
    np.testing.assert_array_equal(x_train[3], fake_arrays["x_train"][3].ravel())
    np.testing.assert_array_equal(y_train, fake_arrays["y_train"][:100])


def test_subset_out_of_range_is_explained(data_dir):
    with pytest.raises(ValueError, match="n_train=0 is out of range"):
        load_mnist(n_train=0)


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
    ("y_train", np.full(60_000, 11, np.uint8), ["y_train", "0-9"]),
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


def test_cli_verifies_and_copies(data_dir, tmp_path_factory, capsys):
    target = tmp_path_factory.mktemp("classroom")
    assert data.main(["--copy-to", str(target)]) == 0
    out = capsys.readouterr().out
    assert "OK: MNIST verified." in out and "label counts" in out
    with zipfile.ZipFile(target / "mnist.npz") as z:
        assert sorted(z.namelist()) == sorted(f"{k}.npy" for k in data.KEYS)
    with np.load(target / "mnist.npz", allow_pickle=False) as npz:
        assert npz["x_train"].shape == (60_000, 28, 28)


def test_cli_reports_bad_file(data_dir, capsys):
    (data_dir / "mnist.npz").write_bytes(b"garbage")
    assert data.main([]) == 1
    assert "ERROR" in capsys.readouterr().err


@pytest.mark.skipif(not os.environ.get("COURSE_DATA_DIR"), reason="needs the real MNIST (COURSE_DATA_DIR)")
def test_real_mnist_matches_published_facts():
    (x_train, y_train), (x_test, y_test) = load_mnist(scale=False)
    assert round(float(x_train.mean()), 6) == 33.318421
    assert round(float(x_test.mean()), 6) == 33.791224
    assert list(np.bincount(y_test)) == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert list(y_train[:10]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]


@pytest.mark.skipif(not os.environ.get("COURSE_DATA_DIR"), reason="needs the real MNIST (COURSE_DATA_DIR)")
def test_real_mnist_with_shuffled_labels_is_rejected(tmp_path, monkeypatch):
    with np.load(os.path.join(os.environ["COURSE_DATA_DIR"], "mnist.npz"), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in data.KEYS}
    data.validate_mnist(arrays, "the real file")  # the real arrays pass
    arrays["y_test"] = np.random.default_rng(0).permutation(arrays["y_test"])
    with pytest.raises(MnistDataError, match="y_test .*shuffled labels"):
        data.validate_mnist(arrays, "a shuffled copy")
