"""Training recipes, the validation split and the model cache, on a few hundred random images.

- the recipe is honoured: epochs, batch size (steps per epoch), Adam's learning rate, widths and
  activations, the validation data, and the seed (the same seed trains identical weights, another
  seed other weights); the same for the VAE recipe, whose sampling layer is seeded by the recipe;
- the cache trains, then loads identical weights; a changed recipe, a stamp that is missing,
  unreadable or of the old format, or changed source of any function or class that builds or
  trains the model, trains again; the code digest lists every course function or class the
  training code calls;
- ``train_val_split`` holds out exactly the last ``n_val`` rows.
"""
import ast
import inspect
import json
import math
import random
import sys
import textwrap
import types
from dataclasses import replace
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import models, training
from course_utils.training import (EpochTimer, Recipe, VAERecipe, load_or_train, load_or_train_vae,
                                   train_recipe, train_val_split, train_vae_recipe)

TINY = Recipe(name="tiny", hidden_sizes=(8, 4), epochs=1, batch_size=64)
#: No default of Recipe or of compile_autoencoder: 2 epochs of ceil(200 / 48) = 5 steps (Keras'
#: default batch of 32 would take 7), Adam(0.003) (neither 0.01 nor Keras' 0.001), seed 7 (not 42),
#: cross-entropy (not the default MSE).
HONOURED = Recipe(name="honoured", hidden_sizes=(12, 3), activation="relu", code_activation="linear",
                  learning_rate=0.003, batch_size=48, epochs=2, seed=7, loss="binary_crossentropy")
#: The same for the VAE: 2 epochs of ceil(200 / 40) = 5 steps, Adam(0.004), seed 5.
VAE_TINY = VAERecipe(name="vae_tiny", hidden_sizes=(16,), latent_dim=3, learning_rate=0.004,
                     batch_size=40, epochs=2, seed=5)
N_TRAIN = 200


def _data() -> tuple[np.ndarray, np.ndarray]:
    """200 training and 100 validation images of random pixels in [0, 1], shape (N, 784)."""
    x = np.random.default_rng(0).random((N_TRAIN + 100, 784)).astype("float32")
    return train_val_split(x, 100)


def _assert_same_weights(a: keras.Model, b: keras.Model) -> None:
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)


def _differ(a: keras.Model, b: keras.Model) -> bool:
    return any(not np.array_equal(wa, wb) for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True))


# --- the validation split ----------------------------------------------------------------

def test_split_holds_out_exactly_the_last_rows():
    x = np.arange(10)[:, None] * np.ones((1, 3))
    fit, val = train_val_split(x, 3)
    np.testing.assert_array_equal(fit[:, 0], np.arange(7))
    np.testing.assert_array_equal(val[:, 0], [7, 8, 9])
    fit, val = train_val_split(np.arange(60_000))  # the course's default: the last 5,000 of 60,000
    np.testing.assert_array_equal(fit, np.arange(55_000))
    np.testing.assert_array_equal(val, np.arange(55_000, 60_000))
    x_train, x_val = _data()
    assert x_train.shape == (200, 784) and x_val.shape == (100, 784)


@pytest.mark.parametrize("n_val", [0, -1, 10, 11])
def test_split_sizes_out_of_range_are_refused(n_val):
    with pytest.raises(ValueError, match=f"n_val={n_val}"):
        train_val_split(np.zeros((10, 2)), n_val)


# --- the recipe is honoured --------------------------------------------------------------

def test_seed_everything_seeds_python_numpy_keras_and_tensorflow():
    draws = []
    for _ in range(2):
        training.seed_everything(3)
        draws.append((random.random(), np.random.random(), float(keras.random.uniform(())),
                      float(tf.random.uniform(()))))
    assert draws[0] == draws[1]
    training.seed_everything(4)
    assert random.random() != draws[0][0]


def test_seeding_leaves_xla_on():
    """Keras silently drops ``jit_compile=True`` while TensorFlow's op determinism is on; the course's
    expected values were measured with XLA, so seeding must not switch it on."""
    from tensorflow.python.framework.config import is_op_determinism_enabled

    training.seed_everything(3)
    assert not is_op_determinism_enabled()
    model = models.build_dense_autoencoder(hidden_sizes=(8, 2))[2]
    training.compile_autoencoder(model)
    assert model.jit_compile is True


def _train_recording_seeds(train, recipe):
    """``train(recipe, ...)`` on :func:`_data`, and the seeds it passed to ``seed_everything``."""
    seeds = []
    original = training.seed_everything

    def recording(seed: int = 42) -> None:
        seeds.append(seed)
        original(seed)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(training, "seed_everything", recording)
        trained = train(recipe, *_data())
    return trained, seeds


@pytest.fixture(scope="module")
def honoured_and_seeds():
    return _train_recording_seeds(train_recipe, HONOURED)


@pytest.fixture(scope="module")
def honoured(honoured_and_seeds):
    return honoured_and_seeds[0]


def test_training_runs_the_recipes_epochs_and_batches(honoured):
    *_, autoencoder, history = honoured
    steps = math.ceil(N_TRAIN / HONOURED.batch_size)
    assert history.params["epochs"] == HONOURED.epochs == len(history.history["loss"])
    assert history.params["steps"] == steps == 5
    assert int(autoencoder.optimizer.iterations) == HONOURED.epochs * steps


def test_training_uses_adam_at_the_recipes_rate_on_the_recipes_loss(honoured):
    *_, autoencoder, history = honoured
    assert isinstance(autoencoder.optimizer, keras.optimizers.Adam)
    assert float(autoencoder.optimizer.learning_rate) == pytest.approx(HONOURED.learning_rate, rel=1e-6)
    assert autoencoder.loss == HONOURED.loss == "binary_crossentropy"
    assert "val_mse" in history.history, "the squared error is tracked beside another loss"


@pytest.mark.parametrize("jit_compile", [False, True])
def test_many_steps_per_execution_give_the_same_updates_batch_for_batch(jit_compile):
    """03 and 05 compile with steps_per_execution=64 and say it changes speed only: the weights after an
    uneven number of batches (the last one short) match a model run one batch per call, with and
    without XLA."""
    x = np.random.default_rng(0).random((600, 784)).astype("float32")
    weights = []
    for steps in (1, training.STEPS_PER_EXECUTION):
        training.seed_everything(3)
        _, _, model = models.build_dense_autoencoder(hidden_sizes=(16, 4), activation="relu",
                                                     code_activation="linear")
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", steps_per_execution=steps,
                      jit_compile=jit_compile)
        assert model.jit_compile is jit_compile
        model.fit(x, x, epochs=2, batch_size=64, verbose=0)  # 10 batches per epoch, the last of 24 images
        weights.append([np.asarray(w) for w in model.get_weights()])
    assert training.STEPS_PER_EXECUTION > 1
    for one, many in zip(*weights):
        np.testing.assert_array_equal(one, many)


def test_the_course_compiles_with_many_steps_per_execution_and_xla():
    model = models.build_dense_autoencoder(hidden_sizes=(8, 2))[2]
    training.compile_autoencoder(model)
    assert model.steps_per_execution == training.STEPS_PER_EXECUTION
    assert model.jit_compile is True


def test_the_tracked_metric_does_not_change_the_updates_under_xla():
    """03 trains its fixed model without the ``mse`` metric that ``compile_autoencoder`` adds, and later
    notebooks retrain it through the recipe: the two must give the same weights."""
    x = np.random.default_rng(1).random((300, 784)).astype("float32")
    weights = []
    for metrics in (None, ["mse"]):
        training.seed_everything(5)
        _, _, model = models.build_dense_autoencoder(hidden_sizes=(16, 4), activation="relu",
                                                     code_activation="linear")
        model.compile(optimizer=keras.optimizers.Adam(0.001), loss="binary_crossentropy", metrics=metrics,
                      steps_per_execution=training.STEPS_PER_EXECUTION, jit_compile=True)
        model.fit(x, x, epochs=2, batch_size=64, verbose=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)


def test_compile_autoencoder_uses_plain_adam():
    """The course's compile is Adam at the recipe's rate and nothing else (no clipping, no other options)."""
    model = models.build_dense_autoencoder(hidden_sizes=(8, 2))[2]
    training.compile_autoencoder(model, learning_rate=0.003)
    got, want = model.optimizer.get_config(), keras.optimizers.Adam(learning_rate=0.003).get_config()
    got.pop("name"), want.pop("name")
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == (pytest.approx(value) if isinstance(value, float) else value), key


def test_the_default_recipe_is_the_original_lessons_mse():
    assert Recipe(name="x").loss == "mse" and training.SEED_AUTOENCODER.loss == "mse"
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    training.compile_autoencoder(model)
    assert model.loss == "mse" and float(model.optimizer.learning_rate) == pytest.approx(0.01)


def test_training_builds_the_recipes_widths_and_activations(honoured):
    encoder, decoder, _, _ = honoured
    dense = [*encoder.layers[1:], *decoder.layers[1:]]
    assert {layer.name: layer.units for layer in dense} == {"encoder_dense_1": 12, "code": 3,
                                                           "decoder_dense_1": 12, "reconstruction": 784}
    assert {layer.name: layer.activation.__name__ for layer in dense} == {
        "encoder_dense_1": "relu", "code": "linear", "decoder_dense_1": "relu", "reconstruction": "sigmoid"}


def test_training_validates_on_the_validation_images(honoured):
    *_, autoencoder, history = honoured
    x_train, x_val = _data()
    val_loss, val_mse = autoencoder.evaluate(x_val, x_val, verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-5)
    assert history.history["val_mse"][-1] == pytest.approx(val_mse, rel=1e-5)


def test_the_recipes_seed_decides_the_weights(honoured, honoured_and_seeds):
    assert honoured_and_seeds[1] == [HONOURED.seed], "seed_everything(recipe.seed), once, before building"
    x_train, x_val = _data()
    *_, again, _ = train_recipe(HONOURED, x_train, x_val)
    _assert_same_weights(honoured[2], again)
    *_, other, _ = train_recipe(replace(HONOURED, seed=8), x_train, x_val)
    assert _differ(honoured[2], other), "another seed must give other weights"


@pytest.fixture(scope="module")
def vae_and_seeds():
    return _train_recording_seeds(train_vae_recipe, VAE_TINY)


@pytest.fixture(scope="module")
def vae_trained(vae_and_seeds):
    return vae_and_seeds[0]


def test_vae_training_honours_the_recipe(vae_trained):
    encoder, decoder, vae, history = vae_trained
    steps = math.ceil(N_TRAIN / VAE_TINY.batch_size)
    assert history.params["epochs"] == VAE_TINY.epochs == len(history.history["loss"])
    assert history.params["steps"] == steps == 5
    assert int(vae.optimizer.iterations) == VAE_TINY.epochs * steps
    assert isinstance(vae.optimizer, keras.optimizers.Adam)
    assert float(vae.optimizer.learning_rate) == pytest.approx(VAE_TINY.learning_rate, rel=1e-6)
    assert {"val_loss", "val_reconstruction", "val_kl"} <= set(history.history)
    assert encoder.output_shape == [(None, 3)] * 3 and decoder.output_shape == (None, 784)
    assert encoder.get_layer("encoder_dense_1").units == decoder.get_layer("decoder_dense_1").units == 16
    assert encoder.get_layer("sampling").seed == VAE_TINY.seed


def test_the_vae_recipes_seed_decides_the_weights(vae_trained, vae_and_seeds):
    assert vae_and_seeds[1] == [VAE_TINY.seed], "seed_everything(recipe.seed), once, before building"
    x_train, x_val = _data()
    _, _, again, _ = train_vae_recipe(VAE_TINY, x_train, x_val)
    _assert_same_weights(vae_trained[2], again)
    _, _, other, _ = train_vae_recipe(replace(VAE_TINY, seed=6), x_train, x_val)
    assert _differ(vae_trained[2], other), "another seed must give other weights"


def test_vae_training_validates_on_the_validation_images(monkeypatch):
    """train_vae_recipe fits on x_train and validates on x_val, the very arrays it is given (random
    pixels cost about the same to rebuild whichever images they are, so the values cannot tell)."""
    seen = []
    fit = models.VAE.fit

    def recording_fit(self, *args, **kwargs):
        seen.append((args, kwargs))
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(models.VAE, "fit", recording_fit)
    x_train, x_val = _data()
    train_vae_recipe(replace(VAE_TINY, epochs=1), x_train, x_val)
    [(args, kwargs)] = seen
    assert (args[0] if args else kwargs["x"]) is x_train
    validation = kwargs["validation_data"]
    assert len(validation) == 1 and validation[0] is x_val, "validate on x_val, with no targets"


# --- the cache -------------------------------------------------------------------------

def test_models_live_in_the_variables_folder_or_beside_the_lessons(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_MODEL_DIR", str(tmp_path / "models"))
    assert training.model_dir() == tmp_path / "models"
    lessons = tmp_path / "notebooks"
    (lessons / "solutions").mkdir(parents=True)
    for variable in (None, ""):
        if variable is None:
            monkeypatch.delenv("COURSE_MODEL_DIR")
        else:
            monkeypatch.setenv("COURSE_MODEL_DIR", variable)
        for folder in (lessons, lessons / "solutions"):  # the solutions reuse the lessons' models
            monkeypatch.chdir(folder)
            assert training.model_dir().resolve() == (lessons / "saved_models").resolve()


def test_load_or_train_trains_then_loads_identical_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_MODEL_DIR", str(tmp_path))
    x_train, x_val = _data()
    _, _, first, how = load_or_train(TINY, x_train, x_val)
    assert how.startswith("trained in") and (tmp_path / "tiny.keras").is_file()
    encoder, decoder, second, how = load_or_train(TINY, x_train, x_val)
    assert how == "loaded"
    _assert_same_weights(first, second)
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
    _assert_same_weights(first, again)


def test_load_or_train_vae_trains_then_loads_identical_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_MODEL_DIR", str(tmp_path))
    x_train, x_val = _data()
    _, _, first, how = load_or_train_vae(VAE_TINY, x_train, x_val)
    assert how.startswith("trained in") and (tmp_path / "vae_tiny.keras").is_file()
    encoder, decoder, second, how = load_or_train_vae(VAE_TINY, x_train, x_val)
    assert how == "loaded"
    _assert_same_weights(first, second)
    assert encoder.output_shape == [(None, 3)] * 3 and decoder.output_shape == (None, 784)


def _save_untrained(recipe: Recipe | VAERecipe) -> None:
    """Save an untrained model under ``recipe``'s name and stamp: only the stamp matters here."""
    if isinstance(recipe, VAERecipe):
        _, _, model = models.build_vae(hidden_sizes=recipe.hidden_sizes, latent_dim=recipe.latent_dim)
    else:
        _, _, model = models.build_dense_autoencoder(hidden_sizes=recipe.hidden_sizes)
    training.save_trained(recipe, model)


def _edited(original):
    """A stand-in for ``original`` that behaves the same but has other source code. A function
    keeps the original's module and name, so that only its source differs; a class is a subclass
    (the source of a class is found by its name)."""
    if isinstance(original, type):
        class Edited(original):
            """An edited copy."""

        return Edited

    def edited(*args, **kwargs):
        return original(*args, **kwargs)

    edited.__module__, edited.__name__ = original.__module__, original.__name__
    edited.__qualname__ = original.__qualname__
    return edited


AUTOENCODER_CODE = [(training, "seed_everything"), (training, "compile_autoencoder"),
                    (training, "train_recipe"), (models, "build_dense_autoencoder")]
VAE_CODE = [(training, "seed_everything"), (training, "train_vae_recipe"), (models, "build_vae"),
            (models, "build_vae_parts"), (models, "Sampling"), (models, "VAE"), (models, "vae_loss_terms")]


@pytest.mark.parametrize("recipe, module, name",
                         [(TINY, m, n) for m, n in AUTOENCODER_CODE] + [(VAE_TINY, m, n) for m, n in VAE_CODE],
                         ids=[f"autoencoder-{n}" for _, n in AUTOENCODER_CODE] + [f"vae-{n}" for _, n in VAE_CODE])
def test_changed_training_code_makes_the_saved_model_stale(tmp_path, monkeypatch, recipe, module, name):
    monkeypatch.setenv("COURSE_MODEL_DIR", str(tmp_path))
    _save_untrained(recipe)
    assert training.is_fresh(recipe)
    original = getattr(module, name)
    monkeypatch.setattr(module, name, _edited(original))
    assert not training.is_fresh(recipe), f"{name} changed but the saved model counts as fresh"
    monkeypatch.setattr(module, name, original)
    assert training.is_fresh(recipe)


def test_a_changed_training_function_retrains(tmp_path, monkeypatch):
    """The issue's case: a saved model, then train_recipe edited to one epoch: load_or_train retrains."""
    monkeypatch.setenv("COURSE_MODEL_DIR", str(tmp_path))
    _save_untrained(TINY)
    original = training.train_recipe

    def one_epoch(recipe, x_train, x_val):
        return original(replace(recipe, epochs=1), x_train, x_val)

    monkeypatch.setattr(training, "train_recipe", one_epoch)
    *_, how = load_or_train(TINY, *_data())
    assert how.startswith("trained")
    assert training.is_fresh(TINY)


def test_stamps_that_cannot_be_trusted_are_stale(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_MODEL_DIR", str(tmp_path))
    stamp = tmp_path / "tiny.json"
    assert not training.is_fresh(TINY)  # nothing saved
    _save_untrained(TINY)
    saved = json.loads(stamp.read_text())
    assert len(saved["code_sha256"]) == 64 and saved["code_sha256"] == training.code_digest(TINY)
    assert saved["code_sha256"] != training.code_digest(VAE_TINY)
    stamp.write_text(json.dumps({k: v for k, v in saved.items() if k != "code_sha256"}))
    assert not training.is_fresh(TINY), "a stamp without the code digest (older course) must retrain"
    stamp.write_text("{not json")
    assert not training.is_fresh(TINY)
    stamp.write_text(json.dumps(saved))
    assert training.is_fresh(TINY)
    (tmp_path / "tiny.keras").unlink()
    assert not training.is_fresh(TINY)


def _course_code_named_in(obj) -> set:
    """Course functions and classes that the source of ``obj`` names (``f`` or ``module.f``)."""
    namespace = vars(sys.modules[obj.__module__])
    found = set()
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(obj)))):
        target = None
        if isinstance(node, ast.Name):
            target = namespace.get(node.id)
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and isinstance(namespace.get(node.value.id), types.ModuleType)):
            target = getattr(namespace[node.value.id], node.attr, None)
        if (inspect.isfunction(target) or inspect.isclass(target)) and target.__module__.startswith("course_utils"):
            found.add(target)
    return found


@pytest.mark.parametrize("recipe", [TINY, VAE_TINY], ids=["autoencoder", "vae"])
def test_the_digest_covers_all_course_code_that_training_calls(recipe):
    listed = training.training_code(recipe)
    for obj in listed:
        missing = _course_code_named_in(obj) - set(listed) - {Recipe, VAERecipe}  # recipes: in the stamp
        assert not missing, f"{obj.__qualname__} calls {sorted(m.__qualname__ for m in missing)}, not in training_code"


def test_epoch_timer_records_one_duration_per_epoch_of_each_fit():
    timer = EpochTimer()
    for epochs in (3, 2):
        timer.on_train_begin()
        for epoch in range(epochs):
            timer.on_epoch_begin(epoch)
            timer.on_epoch_end(epoch)
        assert len(timer.seconds) == epochs and all(s >= 0 for s in timer.seconds)


def test_the_seed_offset_shifts_every_seed(monkeypatch):
    """course_utils.spread reruns notebooks with other seeds through COURSE_SEED_OFFSET."""
    from course_utils.training import SEED_OFFSET_VAR, seed_everything

    draws = {}
    for offset in ("", "0", "3"):
        monkeypatch.setenv(SEED_OFFSET_VAR, offset)
        seed_everything(7)
        draws[offset] = np.random.random()
    monkeypatch.delenv(SEED_OFFSET_VAR)
    seed_everything(10)
    assert draws[""] == draws["0"] != draws["3"] == np.random.random()


def test_a_library_upgrade_makes_a_saved_model_stale(monkeypatch, tmp_path):
    """The stamp records Keras' and TensorFlow's versions: after an upgrade the model is retrained."""
    import keras
    import tensorflow as tf

    from course_utils import training

    monkeypatch.setenv("COURSE_MODEL_DIR", str(tmp_path))
    recipe = training.Recipe(name="tiny_versions", hidden_sizes=(8, 2), epochs=1)
    _, _, model = training.models.build_dense_autoencoder(hidden_sizes=(8, 2))
    training.save_trained(recipe, model)
    assert training.is_fresh(recipe)
    for module in (tf, keras):
        with monkeypatch.context() as m:
            m.setattr(module, "__version__", module.__version__ + ".post1")
            assert not training.is_fresh(recipe), module.__name__
    assert training.is_fresh(recipe)


@pytest.mark.parametrize("name", ["03_training.ipynb", "05_latent_space_2d.ipynb"])
def test_notebooks_that_train_a_recipe_in_their_own_code_compile_as_the_recipe_does(name):
    """03 trains AUTOENCODER_128 and 05 LATENT_2D_AUTOENCODER in cells a student reads; later notebooks
    retrain them through ``compile_autoencoder`` when the saved file is missing. XLA changes the weights
    (as another seed would), so every ``compile`` in those notebooks must ask for XLA and the same
    steps per execution, or a notebook run alone would train other models than the course saved."""
    import nbformat

    notebook = nbformat.read(Path(__file__).resolve().parents[1] / "notebooks" / name, as_version=4)
    calls = [node for cell in notebook.cells if cell.cell_type == "code"
             for node in ast.walk(ast.parse(cell.source))
             if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "compile"]
    assert calls, f"{name} compiles no model"
    for call in calls:
        keywords = {k.arg: ast.literal_eval(k.value) for k in call.keywords
                    if k.arg in ("steps_per_execution", "jit_compile")}
        assert keywords == {"steps_per_execution": training.STEPS_PER_EXECUTION, "jit_compile": True}, \
            (name, ast.unparse(call))


def test_the_recipes_printed_in_the_notebooks_are_the_recipes_the_course_trains():
    """03 and 04 print ``AUTOENCODER_128`` in compared output; a recipe changed in ``training.py`` alone
    (another rate, other epochs) would retrain every later notebook's model without a unit test noticing."""
    import nbformat

    recipes = {value.name: value for value in vars(training).values() if isinstance(value, (Recipe, VAERecipe))}
    printed = []
    for path in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                for line in output.get("text", "").splitlines():
                    if line.startswith(("Recipe(name=", "VAERecipe(name=")):
                        name = line.split("name='", 1)[1].split("'", 1)[0]
                        assert name in recipes, (path.name, line)
                        assert line == repr(recipes[name]), (path.name, line, repr(recipes[name]))
                        printed.append(name)
    assert "autoencoder_128" in printed


def test_a_recipe_trains_exactly_what_03s_own_cells_train():
    """03 trains its fixed model in cells a student reads (seed, build, compile, a plain ``fit``), and
    later notebooks retrain it through ``train_recipe`` when the file is missing: the weights must match
    (any extra argument to ``fit``, such as ``shuffle=False``, or another compile setting breaks it)."""
    x_train, x_val = _data()
    training.seed_everything(HONOURED.seed)
    _, _, by_hand = models.build_dense_autoencoder(hidden_sizes=HONOURED.hidden_sizes, activation=HONOURED.activation,
                                                   code_activation=HONOURED.code_activation)
    by_hand.compile(optimizer=keras.optimizers.Adam(learning_rate=HONOURED.learning_rate), loss=HONOURED.loss,
                    steps_per_execution=64, jit_compile=True)
    by_hand.fit(x_train, x_train, epochs=HONOURED.epochs, batch_size=HONOURED.batch_size, verbose=0)
    *_, recipe, _ = train_recipe(HONOURED, x_train, x_val)
    _assert_same_weights(by_hand, recipe)


def test_05s_own_settings_are_the_recipe_08_and_12_load():
    """05 trains its 2-D model from settings a student reads (rate, epochs, batch size, seed, units,
    loss) and saves it under ``LATENT_2D_AUTOENCODER``; a recipe changed in ``training.py`` alone would
    make 08 and 12, run before 05, train another model than 05's."""
    import nbformat

    notebook = nbformat.read(Path(__file__).resolve().parents[1] / "notebooks" / "05_latent_space_2d.ipynb",
                             as_version=4)
    cell = next(c for c in notebook.cells if c.cell_type == "code" and "== LATENT_2D_AUTOENCODER" in c.source)
    settings = {}
    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            names = [e.id for e in target.elts] if isinstance(target, ast.Tuple) else [target.id]
            try:
                values = ast.literal_eval(node.value)
            except ValueError:  # a model built from the settings, not a setting
                continue
            settings.update(zip(names, values) if isinstance(target, ast.Tuple) else [(names[0], values)])
    recipe = training.LATENT_2D_AUTOENCODER
    assert settings == {"hidden_sizes": recipe.hidden_sizes, "activation": recipe.activation,
                        "code_activation": recipe.code_activation, "loss": recipe.loss,
                        "learning_rate": recipe.learning_rate, "epochs": recipe.epochs,
                        "batch_size": recipe.batch_size, "seed": recipe.seed}
