import numpy as np
import pytest

from course_utils import training
from course_utils.training import Recipe, load_or_train, train_val_split

TINY = Recipe(name="tiny", hidden_sizes=(8, 4), epochs=1, batch_size=64)


def _data():
    x = np.random.default_rng(0).random((300, 784)).astype("float32")
    return train_val_split(x, 100)


def test_split():
    x_train, x_val = _data()
    assert x_train.shape == (200, 784) and x_val.shape == (100, 784)
    with pytest.raises(ValueError):
        train_val_split(x_train, 0)


def test_load_or_train_trains_then_loads_identical_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_MODEL_DIR", str(tmp_path))
    x_train, x_val = _data()
    _, _, first, how = load_or_train(TINY, x_train, x_val)
    assert how.startswith("trained in") and (tmp_path / "tiny.keras").is_file()
    encoder, decoder, second, how = load_or_train(TINY, x_train, x_val)
    assert how == "loaded"
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert encoder.output_shape == (None, 4) and decoder.output_shape == (None, 784)


def test_retraining_is_deterministic_and_stale_files_are_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_MODEL_DIR", str(tmp_path))
    x_train, x_val = _data()
    _, _, first, _ = load_or_train(TINY, x_train, x_val)
    changed = Recipe(name="tiny", hidden_sizes=(8, 4), epochs=2, batch_size=64)
    assert not training.is_fresh(changed)
    _, _, _, how = load_or_train(changed, x_train, x_val)
    assert how.startswith("trained")
    (tmp_path / "tiny.json").unlink()
    _, _, again, how = load_or_train(TINY, x_train, x_val)
    assert how.startswith("trained")
    for a, b in zip(first.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
