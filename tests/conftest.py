"""Shared fixtures: synthetic MNIST-shaped files, so unit tests need no download."""
import matplotlib

matplotlib.use("Agg")  # unit tests draw off-screen; notebooks keep the inline backend

import hashlib

import numpy as np
import pytest


def fake_mnist() -> dict[str, np.ndarray]:
    """Arrays with MNIST's keys, shapes and dtypes; deterministic random content."""
    rng = np.random.default_rng(0)
    return {
        "x_train": rng.integers(0, 256, size=(60_000, 28, 28), dtype=np.uint8),
        "y_train": (np.arange(60_000) % 10).astype(np.uint8),
        "x_test": rng.integers(0, 256, size=(10_000, 28, 28), dtype=np.uint8),
        "y_test": (np.arange(10_000) % 10).astype(np.uint8),
    }


@pytest.fixture(scope="session")
def fake_arrays():
    return fake_mnist()


@pytest.fixture
def fake_is_mnist(monkeypatch, fake_arrays):
    """Make the content check accept the fake arrays (their SHA-256 replaces MNIST's)."""
    from course_utils import data

    digests = {k: hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest() for k, v in fake_arrays.items()}
    monkeypatch.setattr(data, "MNIST_SHA256", digests)
    return digests


@pytest.fixture
def data_dir(tmp_path, monkeypatch, fake_arrays, fake_is_mnist):
    """A folder holding a valid fake mnist.npz, with COURSE_DATA_DIR pointing at it."""
    np.savez(tmp_path / "mnist.npz", **fake_arrays)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    return tmp_path
