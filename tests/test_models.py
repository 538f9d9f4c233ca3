"""The Dense autoencoder builder (sizes, names, activations, initializer, parameter counts) and the
VAE's sampling layer (fresh, seeded noise on every call)."""
import keras
import numpy as np
import pytest

from course_utils import seed_everything
from course_utils.models import Sampling, build_dense_autoencoder, dense_param_count


def test_seed_autoencoder_shapes_and_param_counts():
    encoder, decoder, autoencoder = build_dense_autoencoder()
    assert encoder.output_shape == (None, 128)
    assert decoder.input_shape == (None, 128) and decoder.output_shape == (None, 784)
    assert encoder.count_params() == (784 + 1) * 256 + (256 + 1) * 128 == 233_856
    assert decoder.count_params() == (128 + 1) * 256 + (256 + 1) * 784 == 234_512
    assert autoencoder.count_params() == dense_param_count([784, 256, 128, 256, 784]) == 468_368


def test_layers_are_named_and_shared():
    encoder, decoder, autoencoder = build_dense_autoencoder()
    assert [layer.name for layer in encoder.layers] == ["image", "encoder_dense_1", "code"]
    assert [layer.name for layer in decoder.layers] == ["code_in", "decoder_dense_1", "reconstruction"]
    assert autoencoder.get_layer("encoder") is encoder and autoencoder.get_layer("decoder") is decoder
    x = np.random.default_rng(0).random((4, 784)).astype("float32")
    np.testing.assert_allclose(autoencoder(x), decoder(encoder(x)), atol=1e-6)


@pytest.mark.parametrize("sizes", [(128, 64, 10, 2), (512, 256, 30), (32,)])
def test_other_sizes_mirror_and_count(sizes):
    encoder, decoder, autoencoder = build_dense_autoencoder(hidden_sizes=sizes, code_activation="linear")
    assert encoder.output_shape == (None, sizes[-1])
    full = [784, *sizes, *reversed(sizes[:-1]), 784]
    assert autoencoder.count_params() == dense_param_count(full)
    assert encoder.get_layer("code").activation.__name__ == "linear"


def test_initializer_is_used():
    seed_everything(0)
    encoder, _, _ = build_dense_autoencoder(kernel_initializer=keras.initializers.RandomNormal(stddev=1.0))
    w = keras.ops.convert_to_numpy(encoder.get_layer("encoder_dense_1").kernel)
    assert 0.9 < w.std() < 1.1


def test_bad_sizes_rejected():
    with pytest.raises(ValueError, match="hidden_sizes"):
        build_dense_autoencoder(hidden_sizes=())
    with pytest.raises(ValueError, match="at least two"):
        dense_param_count([784])


def test_every_layer_gets_the_activation_asked_for():
    encoder, decoder, _ = build_dense_autoencoder(hidden_sizes=(16, 8, 4), activation="tanh",
                                                  code_activation="linear", output_activation="relu")
    dense = {layer.name: layer for layer in [*encoder.layers[1:], *decoder.layers[1:]]}
    assert {name: layer.units for name, layer in dense.items()} == {
        "encoder_dense_1": 16, "encoder_dense_2": 8, "code": 4, "decoder_dense_1": 8, "decoder_dense_2": 16,
        "reconstruction": 784}
    assert {name: layer.activation.__name__ for name, layer in dense.items()} == {
        "encoder_dense_1": "tanh", "encoder_dense_2": "tanh", "code": "linear", "decoder_dense_1": "tanh",
        "decoder_dense_2": "tanh", "reconstruction": "relu"}
    encoder, decoder, _ = build_dense_autoencoder(hidden_sizes=(16, 4), activation="relu")
    assert encoder.get_layer("code").activation.__name__ == "relu"  # default: the hidden activation
    assert decoder.get_layer("reconstruction").activation.__name__ == "sigmoid"


def test_the_initializer_is_used_in_the_decoder_too():
    seed_everything(0)
    _, decoder, _ = build_dense_autoencoder(kernel_initializer=keras.initializers.RandomNormal(stddev=1.0))
    for name in ("decoder_dense_1", "reconstruction"):
        w = keras.ops.convert_to_numpy(decoder.get_layer(name).kernel)
        assert 0.9 < w.std() < 1.1, name


def test_sampling_draws_new_noise_on_every_call():
    """Each call, and each row, gets its own eps ~ N(0, 1): the same eps every call would make
    every pass of training see one fixed 'random' draw."""
    layer = Sampling(seed=3)
    mean, log_var = np.zeros((500, 2), "float32"), np.zeros((500, 2), "float32")
    first = keras.ops.convert_to_numpy(layer([mean, log_var]))
    second = keras.ops.convert_to_numpy(layer([mean, log_var]))
    assert not np.allclose(first, second), "two calls drew the same noise"
    assert abs(np.corrcoef(first.ravel(), second.ravel())[0, 1]) < 0.15
    assert len(np.unique(first[:, 0])) == 500, "rows share their noise"
    np.testing.assert_array_equal(first, keras.ops.convert_to_numpy(Sampling(seed=3)([mean, log_var])))
