import keras
import numpy as np
import pytest

from course_utils import seed_everything
from course_utils.models import build_dense_autoencoder, dense_param_count


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
