"""Model builders: the Dense autoencoder used throughout, and a Dense VAE.

Backend-neutral Keras 3 (``keras.ops`` only): the VAE trains under TensorFlow and JAX (both
tested). The VAE code is a tested copy of what notebook 08 writes out for the student.

Every layer has a fixed name so that ``summary()`` output is the same on every run.
"""
from __future__ import annotations

from collections.abc import Sequence

import keras
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
    """Reparameterisation: ``z = z_mean + exp(0.5 * z_log_var) * eps`` with ``eps ~ N(0, I)``.

    Inputs ``[z_mean, z_log_var]``, each ``(batch, latent_dim)``; output ``(batch, latent_dim)``.
    ``exp(0.5 * z_log_var)`` is the standard deviation (``z_log_var`` is the log of the variance).
    The noise comes from a seeded ``keras.random.SeedGenerator``, so runs are repeatable.
    """

    def __init__(self, seed=None, **kwargs):
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
    seed: int | None = 0,
) -> tuple[keras.Model, keras.Model]:
    """Build a Dense VAE encoder and decoder.

    The encoder maps ``(batch, input_dim)`` to ``[z_mean, z_log_var, z]``, each
    ``(batch, latent_dim)``; the decoder maps ``(batch, latent_dim)`` to pixel
    probabilities ``(batch, input_dim)`` in [0, 1]. Hidden layers use ReLU.
    """
    if not hidden_sizes or any(int(s) < 1 for s in hidden_sizes) or int(latent_dim) < 1:
        raise ValueError(f"hidden_sizes and latent_dim must be positive, got {list(hidden_sizes)}, {latent_dim}")
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
        log-likelihood SUMMED over pixels (not averaged), and
        ``KL(N(z_mean, exp(z_log_var)) || N(0, I)) = -0.5 * sum(1 + z_log_var - z_mean**2 - exp(z_log_var))``
        summed over latent dimensions.
    """
    r = ops.clip(reconstruction, 1e-7, 1 - 1e-7)
    recon = -ops.sum(x * ops.log(r) + (1 - x) * ops.log(1 - r), axis=-1)
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return recon, kl


@keras.saving.register_keras_serializable(package="course_utils")
class VAE(keras.Model):
    """A functional model ``image -> [reconstruction, z_mean, z_log_var]`` with the VAE loss.

    The loss lives in an overridden ``compute_loss`` (no backend-specific ``train_step``), so
    ``fit``/``evaluate`` work unchanged under TensorFlow and JAX (``tests/test_vae.py`` trains it
    under both): ``loss = mean(reconstruction nats) + mean(KL nats)`` over the batch. Both terms
    are also reported as the metrics ``reconstruction`` and ``kl``, each listed once, updated with
    the per-image values, so that every image counts once in an epoch's averages (also in a smaller
    last batch) and the reported ``loss`` equals ``reconstruction + kl``. Train with ``vae.fit(x)``
    (no targets). The same class as notebook 08 writes.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        reconstruction, z_mean, z_log_var = y_pred
        recon, kl = vae_loss_terms(x, reconstruction, z_mean, z_log_var)
        self.reconstruction_tracker.update_state(recon)
        self.kl_tracker.update_state(kl)
        return ops.mean(recon) + ops.mean(kl)


def build_vae(input_dim: int = 784, hidden_sizes: Sequence[int] = (512, 256), latent_dim: int = 2,
              seed: int | None = 0) -> tuple[keras.Model, keras.Model, VAE]:
    """``(encoder, decoder, vae)``: :func:`build_vae_parts` joined into a :class:`VAE` whose outputs
    are ``[decoder(z), z_mean, z_log_var]``. Compile with an optimizer only (the loss is built in)."""
    encoder, decoder = build_vae_parts(input_dim, hidden_sizes, latent_dim, seed)
    inputs = keras.Input(shape=(input_dim,), name="image")
    z_mean, z_log_var, z = encoder(inputs)
    vae = VAE(inputs, [decoder(z), z_mean, z_log_var], name="vae")
    return encoder, decoder, vae
