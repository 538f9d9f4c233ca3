"""Shared fixtures: synthetic MNIST-shaped files, so unit tests need no download, and the real
MNIST for the few tests that need it."""
import matplotlib

matplotlib.use("Agg")  # unit tests draw off-screen; notebooks keep the inline backend

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

#: Set to 1 (as ``.ci/run`` does) to make a test that needs the real MNIST fail, not skip, without it.
REQUIRE_DATA_VAR = "COURSE_REQUIRE_DATA"


def fake_mnist() -> dict[str, np.ndarray]:
    """Arrays with MNIST's keys, shapes and dtypes; deterministic content that exposes mix-ups.

    - Labels: each digit equally often, in a seeded random order. Not periodic, so labels
      reversed or taken from the other end of the array are different labels.
    - Pixels: uint8, random 0-255, except row 0 of each image, which shows the image's label:
      pixel ``(0, label)`` is 255, the rest of row 0 is 0 (read back by the ``shown_labels``
      fixture). So every image holds both 0 and 255, and any image, scaled or flattened, tells
      its own label.
    """
    rng = np.random.default_rng(0)
    arrays = {}
    for split, n in (("train", 60_000), ("test", 10_000)):
        labels = rng.permutation(np.arange(n) % 10).astype(np.uint8)
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        images[:, 0, :] = 0
        images[np.arange(n), 0, labels] = 255
        arrays[f"x_{split}"], arrays[f"y_{split}"] = images, labels
    return arrays


def _shown_labels(images: np.ndarray) -> np.ndarray:
    """The labels that :func:`fake_mnist` images show in their row 0: ``(N,)`` digits, from images
    ``(N, 28, 28)`` or ``(N, 784)`` (row-major), scaled or not."""
    return np.asarray(images).reshape(len(images), 28, 28)[:, 0, :10].argmax(axis=1)


@pytest.fixture(scope="session")
def fake_arrays():
    return fake_mnist()


@pytest.fixture(scope="session")
def shown_labels():
    """The function that reads the label a fake image shows (see :func:`fake_mnist`)."""
    return _shown_labels


@pytest.fixture
def fake_is_mnist(monkeypatch, fake_arrays):
    """Make the content check accept the fake arrays (their SHA-256 replaces MNIST's)."""
    from course_utils import data

    digests = {k: hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest() for k, v in fake_arrays.items()}
    monkeypatch.setattr(data, "MNIST_SHA256", digests)
    return digests


@pytest.fixture
def data_dir(tmp_path, monkeypatch, fake_arrays, fake_is_mnist):
    """A folder of this test's own holding a valid fake mnist.npz (the test may damage it), with
    COURSE_DATA_DIR pointing at it."""
    np.savez(tmp_path / "mnist.npz", **fake_arrays)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="session")
def _shared_fake_folder(tmp_path_factory, fake_arrays) -> Path:
    folder = tmp_path_factory.mktemp("fake_mnist")
    np.savez(folder / "mnist.npz", **fake_arrays)
    return folder


@pytest.fixture
def fake_data_dir(_shared_fake_folder, monkeypatch, fake_is_mnist):
    """A folder shared by all tests, holding a valid fake mnist.npz, with COURSE_DATA_DIR pointing at
    it: for tests that only read the file (writing it once saves 55 MB of disk writes per test)."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(_shared_fake_folder))
    return _shared_fake_folder


@pytest.fixture
def real_mnist_dir() -> Path:
    """The folder named by ``$COURSE_DATA_DIR``, which must hold the real ``mnist.npz``.

    Without the variable (an instructor without the offline copy) the test is skipped, saying
    why; with ``COURSE_REQUIRE_DATA=1`` (CI) it fails instead, so CI never skips it silently.
    A variable that names a folder without ``mnist.npz`` always fails: it was set for a reason.
    """
    folder = os.environ.get("COURSE_DATA_DIR", "").strip()
    how = ("set COURSE_DATA_DIR to the folder holding mnist.npz "
           "(`python -m course_utils.data --copy-to FOLDER` writes one on a machine with internet)")
    if not folder:
        if os.environ.get(REQUIRE_DATA_VAR) == "1":
            pytest.fail(f"{REQUIRE_DATA_VAR}=1 but COURSE_DATA_DIR is not set; this test needs the real MNIST: {how}")
        pytest.skip(f"needs the real MNIST, and COURSE_DATA_DIR is not set: {how}")
    path = Path(folder).expanduser()
    if not (path / "mnist.npz").is_file():
        pytest.fail(f"COURSE_DATA_DIR={folder} but {path / 'mnist.npz'} does not exist: {how}")
    return path
