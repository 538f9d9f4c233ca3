"""Seeding, the course's training recipes, and saving/reloading trained models.

Notebook 03 trains the original lesson's autoencoder and saves it; later notebooks
call :func:`load_or_train`, which loads the saved file (Keras safe mode) or, when the
file is missing or stale, trains it again with the same code and seed. A saved model is
stale when its JSON stamp differs from the current one: another recipe, other library
versions, or other source code of the functions and classes that build and train it
(a SHA-256 of their source, :func:`code_digest`). Either way the weights are the same,
so every notebook runs standalone and prints the same numbers.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from course_utils import models

MODEL_DIR_VAR = "COURSE_MODEL_DIR"
DEFAULT_MODEL_DIR = "saved_models"
N_VALIDATION = 5_000


SEED_OFFSET_VAR = "COURSE_SEED_OFFSET"


def seed_everything(seed: int = 42) -> None:
    """Make the next Keras run repeatable: seeds Python, NumPy and the backend
    (``keras.utils.set_random_seed``).

    TensorFlow's op determinism is left off: on CPU it changed no weight of the Dense and convolutional
    autoencoders we compared (bit-identical with and without), and Keras turns XLA compilation
    (``jit_compile=True``, which the course's Dense autoencoders use for speed) off while it is on.
    An XLA-compiled run is repeatable too: the same weights from run to run, on one core or many.

    ``$COURSE_SEED_OFFSET`` (an integer, default 0) is added to ``seed``: the spread script
    (:mod:`course_utils.spread`) reruns a notebook with other seeds through it."""
    keras.utils.set_random_seed(seed + int(os.environ.get(SEED_OFFSET_VAR, "0") or 0))


def train_val_split(x: np.ndarray, n_val: int = N_VALIDATION) -> tuple[np.ndarray, np.ndarray]:
    """Hold out the last ``n_val`` training images for validation: ``(x[:-n_val], x[-n_val:])``."""
    if not 0 < n_val < len(x):
        raise ValueError(f"n_val={n_val} must be between 1 and {len(x) - 1}")
    return x[:-n_val], x[-n_val:]


@dataclass(frozen=True)
class Recipe:
    """Everything that determines a trained Dense autoencoder.

    ``hidden_sizes`` are the encoder widths (last = code size); the decoder mirrors them, with a
    sigmoid reconstruction. Training minimises ``loss`` (a Keras loss name: ``"mse"`` as the
    original lesson, or ``"binary_crossentropy"``) with Adam(``learning_rate``), ``batch_size`` and
    ``epochs`` on the first 55,000 training images (the last 5,000 are validation), after
    ``seed_everything(seed)``.
    """

    name: str
    hidden_sizes: tuple[int, ...] = (256, 128)
    activation: str = "sigmoid"
    code_activation: str | None = None
    learning_rate: float = 0.01
    batch_size: int = 256
    epochs: int = 20
    seed: int = 42
    loss: str = "mse"


#: The original lesson's 784-256-128 sigmoid autoencoder, trained in notebook 03.
SEED_AUTOENCODER = Recipe(name="seed_autoencoder")
#: Notebook 03's fix of the lesson's model: the same 784-256-128 shape with ReLU hidden units, a
#: linear code, cross-entropy on the sigmoid output and Adam(0.001); used by notebooks 04 and 06.
AUTOENCODER_128 = Recipe(name="autoencoder_128", activation="relu", code_activation="linear",
                         learning_rate=0.001, loss="binary_crossentropy")
#: :data:`AUTOENCODER_128` with a 32-number code (784-256-32, the same lessons: ReLU, a linear code,
#: cross-entropy, Adam(0.001)), trained for 10 epochs instead of 20 to halve notebook 06's training
#: time; used as features in notebook 06.
SMALL_CODE_AUTOENCODER = Recipe(name="autoencoder_32", hidden_sizes=(256, 32), activation="relu",
                                code_activation="linear", learning_rate=0.001, loss="binary_crossentropy",
                                epochs=10)
#: The original lesson's second model: a 784-128-64-10-2 encoder with a linear 2-D code (notebook 05), with
#: the lesson's sigmoid hidden units and MSE, at Adam(0.005) for 30 epochs. Notebook 03's lessons do not
#: help this narrow network (measured on the validation images after 30 epochs; squared error per image
#: and 5-NN accuracy of the validation codes): this recipe 28.3 and 0.803 (seed 42), 29.2 and 0.760
#: (seed 43); ReLU, cross-entropy, Adam(0.001) 30.2 and 0.744, 30.0 and 0.701 (05's exercise 3). Seed
#: 42 only: ReLU and MSE at 0.005 28.7 and 0.789; ReLU and cross-entropy at 0.005 or 0.01 31.6 and 30.2,
#: with a validation error that jumps from epoch to epoch.
LATENT_2D_AUTOENCODER = Recipe(name="autoencoder_2d", hidden_sizes=(128, 64, 10, 2),
                               code_activation="linear", learning_rate=0.005, epochs=30)


#: Batches Keras runs per call into the backend: the same updates, batch for batch, with less Python
#: overhead between the batches of a small model (``tests/test_training.py`` checks the weights match).
STEPS_PER_EXECUTION = 64


def compile_autoencoder(model: keras.Model, learning_rate: float = 0.01, loss: str = "mse") -> None:
    """Compile with Adam(``learning_rate``) on ``loss``; the defaults are the original lesson's
    (mean squared error). The mean squared error is also tracked as the metric ``"mse"`` (the
    updates are the same with or without it). :data:`STEPS_PER_EXECUTION` batches run per call
    (speed only; the updates are unchanged), and the training step is compiled with XLA
    (``jit_compile=True``), as notebooks 03 and 05 compile theirs: so a recipe trained here gives
    the weights those notebooks train."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=loss,
                  metrics=["mse"] if loss != "mse" else None, steps_per_execution=STEPS_PER_EXECUTION,
                  jit_compile=True)


def train_recipe(recipe: Recipe, x_train: np.ndarray, x_val: np.ndarray
                 ) -> tuple[keras.Model, keras.Model, keras.Model, keras.callbacks.History]:
    """Build and train ``recipe`` from scratch on flattened images in [0, 1], shape (N, 784).

    Returns ``(encoder, decoder, autoencoder, history)``.
    """
    seed_everything(recipe.seed)
    encoder, decoder, autoencoder = models.build_dense_autoencoder(
        input_dim=x_train.shape[1], hidden_sizes=recipe.hidden_sizes,
        activation=recipe.activation, code_activation=recipe.code_activation)
    compile_autoencoder(autoencoder, recipe.learning_rate, recipe.loss)
    history = autoencoder.fit(x_train, x_train, epochs=recipe.epochs, batch_size=recipe.batch_size,
                              validation_data=(x_val, x_val), verbose=0)
    return encoder, decoder, autoencoder, history


def model_dir() -> Path:
    """Folder for trained models: ``$COURSE_MODEL_DIR``, or ``saved_models`` (git-ignored) beside
    the lessons: ``./saved_models`` from ``notebooks/``, ``../saved_models`` from
    ``notebooks/solutions/``, so the solutions reuse the models the lessons saved."""
    if os.environ.get(MODEL_DIR_VAR):
        return Path(os.environ[MODEL_DIR_VAR])
    here = Path.cwd()
    return (here.parent if here.name == "solutions" else here) / DEFAULT_MODEL_DIR


def training_code(recipe: Recipe | VAERecipe) -> list[object]:
    """The course functions and classes whose source determines the model ``recipe`` trains.

    Looked up when called, so a replaced (patched, edited and reloaded) function counts. For a
    :class:`Recipe`: the seeding, compiling, training and building functions; for a
    :class:`VAERecipe`: the seeding and training functions, the VAE builders, the sampling layer,
    the model class and its loss. ``tests/test_training.py`` checks that every course function
    or class these call is listed here.
    """
    if isinstance(recipe, VAERecipe):
        return [seed_everything, train_vae_recipe, models.build_vae, models.build_vae_parts,
                models.Sampling, models.VAE, models.vae_loss_terms]
    return [seed_everything, compile_autoencoder, train_recipe, models.build_dense_autoencoder]


def code_digest(recipe: Recipe | VAERecipe) -> str:
    """SHA-256 (64 hex digits) of the source code of :func:`training_code`, in that order.

    Any edit to that code (even a comment) changes the digest, so the model is trained again.
    """
    digest = hashlib.sha256()
    for obj in training_code(recipe):
        digest.update(f"{obj.__module__}.{obj.__qualname__}\n{inspect.getsource(obj)}\n".encode())
    return digest.hexdigest()


def _stamp(recipe: Recipe | VAERecipe) -> dict:
    """What a saved model must match to be reused: the recipe, the digest of the code that
    builds and trains it (:func:`code_digest`) and the library versions."""
    return {"recipe": asdict(recipe), "code_sha256": code_digest(recipe),
            "keras": keras.__version__, "tensorflow": tf.__version__}


def save_trained(recipe: Recipe | VAERecipe, autoencoder: keras.Model) -> Path:
    """Save ``autoencoder`` as ``<model_dir>/<name>.keras`` with a JSON stamp (:func:`_stamp`):
    its recipe, the digest of its training code and the library versions."""
    folder = model_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{recipe.name}.keras"
    autoencoder.save(path)
    path.with_suffix(".json").write_text(json.dumps(_stamp(recipe), indent=2))
    return path


def is_fresh(recipe: Recipe | VAERecipe) -> bool:
    """True when a saved model exists and was trained by exactly this recipe, with the current
    source of its training code (:func:`code_digest`) and these library versions."""
    path = model_dir() / f"{recipe.name}.keras"
    stamp = path.with_suffix(".json")
    if not (path.is_file() and stamp.is_file()):
        return False
    try:
        return json.loads(stamp.read_text()) == json.loads(json.dumps(_stamp(recipe)))
    except ValueError:
        return False


def load_or_train(recipe: Recipe, x_train: np.ndarray, x_val: np.ndarray
                  ) -> tuple[keras.Model, keras.Model, keras.Model, str]:
    """Load the model trained by ``recipe``, or train and save it if missing or stale.

    Args:
        recipe: e.g. :data:`SEED_AUTOENCODER`.
        x_train, x_val: flattened images in [0, 1], ``(N, 784)``, used only when training.

    Returns:
        ``(encoder, decoder, autoencoder, how)`` where ``how`` is ``"loaded"`` or
        ``"trained in 12.3 s"``. Loading uses Keras' safe mode (no arbitrary code).
    """
    path = model_dir() / f"{recipe.name}.keras"
    if is_fresh(recipe):
        autoencoder = keras.models.load_model(path, safe_mode=True)
        how = "loaded"
    else:
        start = time.perf_counter()
        _, _, autoencoder, _ = train_recipe(recipe, x_train, x_val)
        save_trained(recipe, autoencoder)
        how = f"trained in {time.perf_counter() - start:.1f} s"
    return autoencoder.get_layer("encoder"), autoencoder.get_layer("decoder"), autoencoder, how


@dataclass(frozen=True)
class VAERecipe:
    """Everything that determines a trained Dense VAE (:func:`course_utils.models.build_vae`).

    ReLU encoder ``hidden_sizes`` to a ``latent_dim`` Gaussian, mirrored decoder; trained on the first
    55,000 training images (the last 5,000 validate) with Adam(``learning_rate``), ``batch_size``
    and ``epochs``, after ``seed_everything(seed)``; the sampling layer is seeded with ``seed`` too.
    """

    name: str
    hidden_sizes: tuple[int, ...] = (512, 256)
    latent_dim: int = 2
    learning_rate: float = 0.001
    batch_size: int = 128
    epochs: int = 25
    seed: int = 42


#: Notebook 08's VAE with a 2-D latent space, explored beside notebook 05's map in notebook 11.
VAE_2D = VAERecipe(name="vae_2d")


def train_vae_recipe(recipe: VAERecipe, x_train: np.ndarray, x_val: np.ndarray
                     ) -> tuple[keras.Model, keras.Model, models.VAE, keras.callbacks.History]:
    """Build and train the VAE of ``recipe`` from scratch on flattened images in [0, 1], shape (N, 784).

    Returns ``(encoder, decoder, vae, history)``; the loss in ``history`` is in nats per image.
    """
    seed_everything(recipe.seed)
    encoder, decoder, vae = models.build_vae(input_dim=x_train.shape[1], hidden_sizes=recipe.hidden_sizes,
                                             latent_dim=recipe.latent_dim, seed=recipe.seed)
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate=recipe.learning_rate))
    history = vae.fit(x_train, epochs=recipe.epochs, batch_size=recipe.batch_size,
                      validation_data=(x_val,), verbose=0)
    return encoder, decoder, vae, history


def load_or_train_vae(recipe: VAERecipe, x_train: np.ndarray, x_val: np.ndarray
                      ) -> tuple[keras.Model, keras.Model, keras.Model, str]:
    """Load the VAE trained by ``recipe``, or train and save it if missing or stale.

    Like :func:`load_or_train`: ``<model_dir>/<name>.keras`` with a JSON stamp of the recipe, the
    digest of its training code and the library versions, loaded in Keras' safe mode; trained by
    :func:`train_vae_recipe`. ``x_train``, ``x_val``: flattened images in [0, 1], ``(N, 784)``, used
    only when training. Returns ``(encoder, decoder, vae, how)``: the encoder maps images to
    ``[z_mean, z_log_var, z]``, each ``(N, latent_dim)``, the decoder codes to pixel probabilities
    ``(N, 784)``; ``how`` is ``"loaded"`` or ``"trained in 12.3 s"``.
    """
    path = model_dir() / f"{recipe.name}.keras"
    if is_fresh(recipe):
        vae = keras.models.load_model(path, safe_mode=True)
        how = "loaded"
    else:
        start = time.perf_counter()
        _, _, vae, _ = train_vae_recipe(recipe, x_train, x_val)
        save_trained(recipe, vae)
        how = f"trained in {time.perf_counter() - start:.1f} s"
    return vae.get_layer("vae_encoder"), vae.get_layer("vae_decoder"), vae, how


class EpochTimer(keras.callbacks.Callback):
    """Records wall-clock seconds per epoch in ``self.seconds`` (a list of floats)."""

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)
