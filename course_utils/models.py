"""Model builders: the Dense autoencoder used throughout, and a Dense VAE.

Every layer has a fixed name so that ``summary()`` output is the same on every run.
"""
from __future__ import annotations

from collections.abc import Sequence

import keras
import tensorflow as tf
from keras import layers, ops


def dense_param_count(sizes: Sequence[int]) -> int:
    """Parameters of a stack of Dense layers, by hand: ``sum((n_in + 1) * n_out)``.

    Args:
        sizes: layer widths from input to output, e.g. ``[784, 256, 128]``.

    Returns:
        weights (``n_in * n_out`` per layer) plus biases (``n_out`` per layer).
    """
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError(f"sizes must list at least two positive widths, got {list(sizes)}")
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def build_dense_autoencoder(
    input_dim: int = 784,
    hidden_sizes: Sequence[int] = (256, 128),
    activation: str = "sigmoid",
    code_activation: str | None = None,
    output_activation: str = "sigmoid",
    kernel_initializer: str | keras.initializers.Initializer = "glorot_uniform",
    name: str = "autoencoder",
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Build encoder, decoder and autoencoder as three Keras models sharing layers.

    The encoder maps ``(batch, input_dim)`` to ``(batch, hidden_sizes[-1])`` through
    Dense layers of the given widths; the decoder mirrors it back to ``input_dim``.
    The defaults are the original lesson's 784-256-128 encoder and 128-256-784
    decoder, sigmoid everywhere.

    Args:
        input_dim: pixels per image (784 for flattened MNIST).
        hidden_sizes: encoder widths; the last one is the code size.
        activation: activation of every hidden layer.
        code_activation: activation of the code layer (default: ``activation``);
            ``"linear"`` gives an unbounded code, as for a 2-D map.
        output_activation: activation of the reconstruction (sigmoid for pixels in [0, 1]).
        kernel_initializer: initializer of every Dense kernel; the original lesson
            used ``keras.initializers.RandomNormal(stddev=1.0)``.
        name: name of the autoencoder model.

    Returns:
        ``(encoder, decoder, autoencoder)``; ``autoencoder(x) == decoder(encoder(x))``
        and training the autoencoder trains the other two.
    """
    if not hidden_sizes or any(int(s) < 1 for s in hidden_sizes):
        raise ValueError(f"hidden_sizes must be positive widths, got {list(hidden_sizes)}")
    code_activation = activation if code_activation is None else code_activation
    n = len(hidden_sizes)

    inputs = keras.Input(shape=(input_dim,), name="image")
    h = inputs
    for i, width in enumerate(hidden_sizes, start=1):
        h = layers.Dense(width, activation=code_activation if i == n else activation,
                         kernel_initializer=kernel_initializer,
                         name="code" if i == n else f"encoder_dense_{i}")(h)
    encoder = keras.Model(inputs, h, name="encoder")

    code_in = keras.Input(shape=(hidden_sizes[-1],), name="code_in")
    h = code_in
    for i, width in enumerate(reversed(hidden_sizes[:-1]), start=1):
        h = layers.Dense(width, activation=activation, kernel_initializer=kernel_initializer,
                         name=f"decoder_dense_{i}")(h)
    h = layers.Dense(input_dim, activation=output_activation,
                     kernel_initializer=kernel_initializer, name="reconstruction")(h)
    decoder = keras.Model(code_in, h, name="decoder")

    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name=name)
    return encoder, decoder, autoencoder


@keras.saving.register_keras_serializable(package="course_utils")
class Sampling(layers.Layer):
    """Reparameterisation: ``z = mean + exp(log_var / 2) * eps`` with ``eps ~ N(0, I)``.

    Inputs ``(z_mean, z_log_var)``, each ``(batch, latent_dim)``; output ``(batch, latent_dim)``.
    """

    def __init__(self, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        eps = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * eps

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def build_vae_parts(
    input_dim: int = 784,
    hidden_sizes: Sequence[int] = (512, 256),
    latent_dim: int = 2,
    seed: int = 0,
) -> tuple[keras.Model, keras.Model]:
    """Build a Dense VAE encoder and decoder.

    The encoder maps ``(batch, input_dim)`` to ``[z_mean, z_log_var, z]``, each
    ``(batch, latent_dim)``; the decoder maps ``(batch, latent_dim)`` to pixel
    probabilities ``(batch, input_dim)`` in [0, 1]. Hidden layers use ReLU.
    """
    inputs = keras.Input(shape=(input_dim,), name="image")
    h = inputs
    for i, width in enumerate(hidden_sizes, start=1):
        h = layers.Dense(width, activation="relu", name=f"encoder_dense_{i}")(h)
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    z = Sampling(seed=seed, name="sampling")([z_mean, z_log_var])
    encoder = keras.Model(inputs, [z_mean, z_log_var, z], name="vae_encoder")

    code_in = keras.Input(shape=(latent_dim,), name="z_in")
    h = code_in
    for i, width in enumerate(reversed(hidden_sizes), start=1):
        h = layers.Dense(width, activation="relu", name=f"decoder_dense_{i}")(h)
    outputs = layers.Dense(input_dim, activation="sigmoid", name="reconstruction")(h)
    decoder = keras.Model(code_in, outputs, name="vae_decoder")
    return encoder, decoder


def vae_loss_terms(x, reconstruction, z_mean, z_log_var):
    """The two terms of the VAE loss, per image, in nats.

    Args:
        x: images ``(batch, 784)`` in [0, 1].
        reconstruction: decoder output ``(batch, 784)``, Bernoulli probabilities.
        z_mean, z_log_var: encoder outputs ``(batch, latent_dim)``.

    Returns:
        ``(reconstruction_nats, kl_nats)``, each ``(batch,)``: the Bernoulli negative
        log-likelihood summed over pixels, and ``KL(q(z|x) || N(0, I))`` summed over
        latent dimensions.
    """
    eps = 1e-7
    r = ops.clip(reconstruction, eps, 1 - eps)
    recon = -ops.sum(x * ops.log(r) + (1 - x) * ops.log(1 - r), axis=-1)
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return recon, kl


class VAE(keras.Model):
    """A variational autoencoder trained with a custom ``train_step``.

    Keras 3 has no symbolic ``add_loss`` any more, so the loss is computed here:
    ``loss = reconstruction + kl`` (nats per image, averaged over the batch).
    Call ``model(x)`` for reconstructions ``(batch, 784)``.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.trackers = {k: keras.metrics.Mean(name=k) for k in ("loss", "reconstruction", "kl")}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, x):
        z_mean, _, _ = self.encoder(x)
        return self.decoder(z_mean)

    def _loss_terms(self, x):
        z_mean, z_log_var, z = self.encoder(x)
        recon, kl = vae_loss_terms(x, self.decoder(z), z_mean, z_log_var)
        return ops.mean(recon), ops.mean(kl)

    def _update(self, recon, kl):
        for key, value in (("loss", recon + kl), ("reconstruction", recon), ("kl", kl)):
            self.trackers[key].update_state(value)
        return {k: t.result() for k, t in self.trackers.items()}

    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            recon, kl = self._loss_terms(x)
            loss = recon + kl
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return self._update(recon, kl)

    def test_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        return self._update(*self._loss_terms(x))
