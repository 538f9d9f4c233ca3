"""Seeding, the course's training recipes, and saving/reloading trained models.

Notebook 03 trains the original lesson's autoencoder and saves it; later notebooks
call :func:`load_or_train`, which loads the saved file (Keras safe mode) or, when the
file is missing or was made by a different recipe, trains it again with the same
code and seed. Either way the weights are the same, so every notebook runs
standalone and prints the same numbers.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from course_utils.models import build_dense_autoencoder

MODEL_DIR_VAR = "COURSE_MODEL_DIR"
DEFAULT_MODEL_DIR = "saved_models"
N_VALIDATION = 5_000


def seed_everything(seed: int = 42) -> None:
    """Make the next Keras run repeatable: seeds Python, NumPy and the backend
    (``keras.utils.set_random_seed``) and, when the backend is TensorFlow, turns on its op
    determinism (JAX on CPU is deterministic already)."""
    keras.utils.set_random_seed(seed)
    if keras.backend.backend() == "tensorflow":
        tf.config.experimental.enable_op_determinism()


def train_val_split(x: np.ndarray, n_val: int = N_VALIDATION) -> tuple[np.ndarray, np.ndarray]:
    """Hold out the last ``n_val`` training images for validation: ``(x[:-n_val], x[-n_val:])``."""
    if not 0 < n_val < len(x):
        raise ValueError(f"n_val={n_val} must be between 1 and {len(x) - 1}")
    return x[:-n_val], x[-n_val:]


@dataclass(frozen=True)
class Recipe:
    """Everything that determines a trained Dense autoencoder.

    ``hidden_sizes`` are the encoder widths (last = code size); the decoder mirrors them.
    Training uses MSE, Adam(``learning_rate``), ``batch_size`` and ``epochs`` on the first
    55,000 training images (the last 5,000 are validation), after ``seed_everything(seed)``.
    """

    name: str
    hidden_sizes: tuple[int, ...] = (256, 128)
    activation: str = "sigmoid"
    code_activation: str | None = None
    learning_rate: float = 0.01
    batch_size: int = 256
    epochs: int = 20
    seed: int = 42


#: The original lesson's 784-256-128 sigmoid autoencoder, trained in notebook 03.
SEED_AUTOENCODER = Recipe(name="seed_autoencoder")
#: The same network with a 32-number code (784-256-32), used as features in notebook 06.
SMALL_CODE_AUTOENCODER = Recipe(name="autoencoder_32", hidden_sizes=(256, 32))
#: The original lesson's second model: a 784-128-64-10-2 encoder with a linear 2-D code (notebook 05).
#: Adam(0.005) for 30 epochs: half the lesson's rate trains this deep, narrow network more stably.
LATENT_2D_AUTOENCODER = Recipe(name="autoencoder_2d", hidden_sizes=(128, 64, 10, 2),
                               code_activation="linear", learning_rate=0.005, epochs=30)


def compile_autoencoder(model: keras.Model, learning_rate: float = 0.01) -> None:
    """Compile as the original lesson did: Adam(``learning_rate``) on mean squared error."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")


def train_recipe(recipe: Recipe, x_train: np.ndarray, x_val: np.ndarray
                 ) -> tuple[keras.Model, keras.Model, keras.Model, keras.callbacks.History]:
    """Build and train ``recipe`` from scratch on flattened images in [0, 1], shape (N, 784).

    Returns ``(encoder, decoder, autoencoder, history)``.
    """
    seed_everything(recipe.seed)
    encoder, decoder, autoencoder = build_dense_autoencoder(
        input_dim=x_train.shape[1], hidden_sizes=recipe.hidden_sizes,
        activation=recipe.activation, code_activation=recipe.code_activation)
    compile_autoencoder(autoencoder, recipe.learning_rate)
    history = autoencoder.fit(x_train, x_train, epochs=recipe.epochs, batch_size=recipe.batch_size,
                              validation_data=(x_val, x_val), verbose=0)
    return encoder, decoder, autoencoder, history


def model_dir() -> Path:
    """Folder for trained models: ``$COURSE_MODEL_DIR`` or ``./saved_models`` (git-ignored)."""
    return Path(os.environ.get(MODEL_DIR_VAR, DEFAULT_MODEL_DIR))


def _stamp(recipe: Recipe) -> dict:
    """What a saved model must match to be reused: the recipe and the library versions."""
    return {"recipe": asdict(recipe), "keras": keras.__version__, "tensorflow": tf.__version__}


def save_trained(recipe: Recipe, autoencoder: keras.Model) -> Path:
    """Save ``autoencoder`` as ``<model_dir>/<name>.keras`` with a JSON stamp of its recipe."""
    folder = model_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{recipe.name}.keras"
    autoencoder.save(path)
    path.with_suffix(".json").write_text(json.dumps(_stamp(recipe), indent=2))
    return path


def is_fresh(recipe: Recipe) -> bool:
    """True when a saved model exists and was trained by exactly this recipe and these versions."""
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


def load_or_train_vae(recipe: VAERecipe, x_train: np.ndarray, x_val: np.ndarray
                      ) -> tuple[keras.Model, keras.Model, keras.Model, str]:
    """Load the VAE trained by ``recipe``, or train and save it if missing or stale.

    Like :func:`load_or_train`: ``<model_dir>/<name>.keras`` with a JSON stamp of the recipe,
    loaded in Keras' safe mode. Returns ``(encoder, decoder, vae, how)``: the encoder maps images
    to ``[z_mean, z_log_var, z]``, the decoder codes to pixel probabilities.
    """
    from course_utils.models import build_vae

    path = model_dir() / f"{recipe.name}.keras"
    if is_fresh(recipe):
        vae = keras.models.load_model(path, safe_mode=True)
        how = "loaded"
    else:
        start = time.perf_counter()
        seed_everything(recipe.seed)
        _, _, vae = build_vae(input_dim=x_train.shape[1], hidden_sizes=recipe.hidden_sizes,
                              latent_dim=recipe.latent_dim, seed=recipe.seed)
        vae.compile(optimizer=keras.optimizers.Adam(learning_rate=recipe.learning_rate))
        vae.fit(x_train, epochs=recipe.epochs, batch_size=recipe.batch_size,
                validation_data=(x_val,), verbose=0)
        save_trained(recipe, vae)
        how = f"trained in {time.perf_counter() - start:.1f} s"
    return vae.get_layer("vae_encoder"), vae.get_layer("vae_decoder"), vae, how


class EpochTimer(keras.callbacks.Callback):
    """Records wall-clock seconds per epoch in ``self.seconds`` (a list of floats)."""

    def on_train_begin(self, logs=None):
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)
