"""Tests for the bugs a mutation round of stop 31 seeded that no test caught: each test names the
kind of bug it is for (a checker that never accepts a right answer, a loss clip on one side only,
a model loaded outside Keras' safe mode, plotting and results details, the course order of run times)."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils import checks, plotting
from course_utils.models import vae_loss_terms
from course_utils.results import Expectation


# --- checker: notebook 08's sampling exercise accepts a right answer, rejects the usual slips -----

def _right_sample(mean, log_var, rng):
    return mean + np.exp(0.5 * log_var) * rng.standard_normal(mean.shape)


def test_sampling_checker_accepts_the_reparameterisation_trick():
    fb = checks.check_sampling(_right_sample)
    assert fb.passed, fb


def test_sampling_checker_rejects_a_forgotten_mean_and_the_variance_as_spread():
    no_mean = checks.check_sampling(lambda m, v, rng: np.exp(0.5 * v) * rng.standard_normal(m.shape))
    assert not no_mean.passed and "z_mean" in repr(no_mean)
    variance = checks.check_sampling(lambda m, v, rng: m + np.exp(v) * rng.standard_normal(m.shape))
    assert not variance.passed and "variance" in repr(variance)
    half_mean = checks.check_sampling(lambda m, v, rng: 0.5 * m + np.exp(0.5 * v) * rng.standard_normal(m.shape))
    assert not half_mean.passed and "z_mean" in repr(half_mean)


# --- model: the VAE loss clips both sides only to guard log(0) ----------------------------------

def test_a_confident_miss_on_a_dark_pixel_costs_its_full_log_probability():
    """The mirror of test_vae's lit-pixel case: a dark pixel (0) given probability 1 costs -ln(1e-7)."""
    zero = np.zeros((1, 2), "float32")
    recon, _ = vae_loss_terms(np.zeros((1, 1), "float32"), np.ones((1, 1), "float32"), zero, zero)
    assert float(recon[0]) == pytest.approx(-np.log(1e-7), rel=2e-2)
    recon, _ = vae_loss_terms(np.zeros((1, 1), "float32"), np.full((1, 1), 1 - 1e-5, "float32"), zero, zero)
    assert float(recon[0]) == pytest.approx(-np.log(1e-5), rel=2e-2)


# --- training: saved models are loaded in Keras' safe mode ---------------------------------------

def test_saved_models_are_loaded_in_safe_mode():
    """The README promises Keras' safe mode (nothing executes from a model file): every load_model call
    in course_utils passes safe_mode=True explicitly."""
    import ast
    import inspect

    import course_utils.training as training

    calls = [node for node in ast.walk(ast.parse(inspect.getsource(training)))
             if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "load_model"]
    assert calls, "no keras.models.load_model call found in course_utils.training"
    for call in calls:
        safe = [kw for kw in call.keywords if kw.arg == "safe_mode"]
        assert safe and isinstance(safe[0].value, ast.Constant) and safe[0].value.value is True, ast.unparse(call)


# --- results: '|' is reserved for the README's results table ------------------------------------

def test_a_pipe_in_a_results_name_is_refused():
    with pytest.raises(ValueError, match="reserved"):
        Expectation("a | b", 1.0, abs=0.1)


def test_a_value_just_outside_the_range_does_not_hold():
    e = Expectation("x", 1.0, abs=0.1, fmt=".2f")
    assert e.holds(e.high) and not e.holds(e.high + 1e-8)
    assert e.holds(e.low) and not e.holds(e.low - 1e-8)


# --- plotting details ---------------------------------------------------------------------------

def test_roc_figure_shows_the_whole_unit_square():
    ax = plotting.plot_roc_curves({"a": ([0.0, 0.5, 1.0], [0.0, 0.9, 1.0])}).axes[0]
    assert ax.get_xlim() == (0, 1) and ax.get_ylim()[0] == 0 and ax.get_ylim()[1] >= 1


def test_plot_digits_draws_its_title():
    fig = plotting.plot_digits(np.zeros((3, 784), "float32"), n_cols=3, title="three blanks")
    assert fig._suptitle is not None and fig._suptitle.get_text() == "three blanks"


def test_plot_codes_rows_are_numbered_from_zero_without_labels():
    fig = plotting.plot_codes(np.arange(12, dtype="float32").reshape(3, 4))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "1", "2"]


# --- run times: merged times are kept in course order ---------------------------------------------

def test_merged_run_times_are_in_course_order():
    from course_utils.run_times import NOTEBOOK_DIR, course_notebooks, merge

    order = [str(p.relative_to(NOTEBOOK_DIR)) for p in course_notebooks()]
    measured = {"run": {"measured_on": "d", "machine": "m", "how": "h", "notebooks": order[::-1]},
                "seconds": {name: 1.0 for name in reversed(order)}}
    assert list(merge({}, measured)["seconds"]) == order


# --- training: the epoch timer measures each epoch, not the time since the fit began --------------

def test_epoch_timer_records_each_epochs_own_duration(monkeypatch):
    import course_utils.training as training

    clock = iter([10.0, 12.5, 12.5, 16.0, 20.0, 21.0])  # begin, end, begin, end, ...
    monkeypatch.setattr(training.time, "perf_counter", lambda: next(clock))
    timer = training.EpochTimer()
    timer.on_train_begin()
    for epoch in range(3):
        timer.on_epoch_begin(epoch)
        timer.on_epoch_end(epoch)
    assert timer.seconds == [2.5, 3.5, 1.0]


# --- data: the published facts the loader explains a bad copy with match the real files ----------

@pytest.mark.parametrize("dataset", ["mnist", "fashion_mnist"])
def test_published_facts_match_the_real_files(request, dataset):
    from course_utils import data

    folder = request.getfixturevalue("real_mnist_dir")
    facts = data.MNIST_FACTS if dataset == "mnist" else data.FASHION_MNIST_FACTS
    with np.load(folder / f"{dataset}.npz", allow_pickle=False) as f:
        for split in ("train", "test"):
            assert float(f[f"x_{split}"].mean()) == pytest.approx(facts[f"x_{split}"], abs=1e-5)
            assert tuple(np.bincount(f[f"y_{split}"], minlength=10)) == facts[f"y_{split}"]


# --- training: a recipe changed in training.py alone would make later notebooks train another model --

def _code(notebook: str) -> str:
    import json
    from pathlib import Path

    nb = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / notebook).read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def test_08s_own_settings_are_the_vae_recipe_11_loads():
    import re

    from course_utils.training import VAE_2D

    code = _code("08_variational_autoencoder.ipynb")
    rate, batch, epochs = re.search(r"^LEARNING_RATE, BATCH_SIZE, EPOCHS = ([0-9.e-]+), (\d+), (\d+)$", code, re.M).groups()
    seed = re.search(r"^SEED = (\d+)$", code, re.M).group(1)
    assert (VAE_2D.learning_rate, VAE_2D.batch_size, VAE_2D.epochs, VAE_2D.seed) == (float(rate), int(batch), int(epochs), int(seed))
    assert (VAE_2D.hidden_sizes, VAE_2D.latent_dim) == ((512, 256), 2)


def test_03s_hand_trained_model_is_the_seed_recipe_its_solutions_load():
    import re

    from course_utils.training import SEED_AUTOENCODER as recipe

    code = _code("03_training.ipynb")
    compiled = re.search(r"autoencoder\.compile\(optimizer=keras\.optimizers\.Adam\(learning_rate=([0-9.e-]+)\), loss=\"(\w+)\"", code)
    assert compiled and (float(compiled.group(1)), compiled.group(2)) == (recipe.learning_rate, recipe.loss)
    assert re.search(rf"history_20 = autoencoder\.fit\(x_train, x_train, initial_epoch=5, epochs={recipe.epochs}, "
                     rf"batch_size={recipe.batch_size}", code)
    assert (recipe.hidden_sizes, recipe.activation, recipe.seed) == ((256, 128), "sigmoid", 42)


def test_the_32_number_code_recipe_is_the_128_recipe_with_a_smaller_code_and_10_epochs():
    """Notebook 06 says so: the same lessons (ReLU, a linear code, cross-entropy, Adam(0.001)), 10 epochs."""
    from dataclasses import replace

    from course_utils.training import AUTOENCODER_128, SMALL_CODE_AUTOENCODER

    assert SMALL_CODE_AUTOENCODER == replace(AUTOENCODER_128, name="autoencoder_32", hidden_sizes=(256, 32), epochs=10)


# --- the spread and run-time tools: their conditions really hold -----------------------------------

def test_a_busy_machine_burner_burns_until_its_deadline():
    import time

    from course_utils.spread import _burn

    start = time.time()
    _burn(start + 0.3)
    assert time.time() - start >= 0.3


def test_run_times_are_measured_from_an_empty_model_folder_of_their_own(monkeypatch):
    import os

    from course_utils import run_times

    seen = []

    def fake_execute(path, save):
        folder = os.environ["COURSE_MODEL_DIR"]
        seen.append((folder, sorted(os.listdir(folder))))
        return 1.0

    monkeypatch.setenv("COURSE_MODEL_DIR", "/nonexistent/instructor/models")
    monkeypatch.setattr(run_times, "execute", fake_execute)
    notebooks = run_times.course_notebooks()[:2]
    run_times.measure(notebooks, save=False)
    assert len(seen) == 2 and seen[0][0] != "/nonexistent/instructor/models" and seen[0][1] == []


# --- expected values: each custom miss message explains its own quantity --------------------------

def test_each_custom_meaning_belongs_to_one_quantity_and_names_its_term():
    """A miss message copied from the entry above would send an instructor to the wrong cause: a
    custom meaning is used once (the shared data and PCA messages, and the two holes shares of one
    experiment, excepted), and a VAE loss term's message names that term."""
    from collections import Counter

    from course_utils import expected

    shared = {expected._DATA, expected._PCA}
    meanings = Counter(e.meaning for e in expected.EXPECTED.values() if e.meaning and e.meaning not in shared)
    repeated = {m: n for m, n in meanings.items() if n > 1 and "holes experiment" not in m}
    assert not repeated, repeated
    for name, e in expected.EXPECTED.items():
        if name.startswith("VAE test loss, nats per image: "):
            term = name.rsplit(": ", 1)[1]
            assert term.split()[0].lower() in e.meaning.lower(), (name, e.meaning)


# --- evaluation: the tested copy of 06's logistic regression keeps 06's settings --------------------

def test_the_library_logistic_regression_uses_06s_grid_and_folds():
    """06 writes the classifier in the notebook (C from CS, 3 shuffled stratified folds with seed 0);
    later notebooks call the library's copy, which must choose C the same way."""
    import ast
    import re

    from course_utils.evaluation import LOGISTIC_CS, c_selection_split

    code = _code("06_codes_as_features.ipynb")
    grid = ast.literal_eval(re.search(r"^CS = (\[[^\]]*\])", code, re.M).group(1))
    assert tuple(float(c) for c in grid) == LOGISTIC_CS
    folds = re.search(r"StratifiedKFold\(n_splits=(\d+), shuffle=True, random_state=(\d+)\)", code)
    labels = np.repeat(np.arange(10), 10)
    split = c_selection_split(labels)
    assert (split.n_splits, split.shuffle, split.random_state) == (int(folds.group(1)), True, int(folds.group(2)))
