import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import plotting

IMAGES = np.random.default_rng(0).random((12, 784)).astype("float32")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_digit_grid_layout_and_labels():
    fig = plotting.plot_digits(IMAGES, labels=list(range(12)), n_cols=5)
    assert len(fig.axes) == 15  # 3 rows of 5, the last 3 empty
    assert fig.axes[11].get_title() == "11"


def test_reconstructions_two_rows_for_any_n():
    for n in (1, 4, 10):
        fig = plotting.plot_reconstructions(IMAGES, IMAGES[::-1], n=n)
        assert len(fig.axes) == 2 * n
    assert fig.axes[0].get_ylabel() == "original" and fig.axes[10].get_ylabel() == "reconstruction"


def test_history_draws_train_and_validation():
    fig = plotting.plot_history({"loss": [0.3, 0.2, 0.1], "val_loss": [0.35, 0.25, 0.2]})
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and ax.get_xlabel() == "epoch"
    assert list(ax.lines[1].get_ydata()) == [0.35, 0.25, 0.2]


def test_latent_scatter_has_categorical_legend():
    codes = np.random.default_rng(0).normal(size=(200, 2))
    fig = plotting.plot_latent_scatter(codes, np.arange(200) % 10)
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [str(d) for d in range(10)]
    colors = {tuple(c) for coll in fig.axes[0].collections for c in coll.get_facecolor()}
    assert len(colors) == 10


def test_latent_scatter_random_order_transparency_and_centroid_labels():
    rng = np.random.default_rng(1)
    labels = np.repeat(np.arange(10), 30)  # sorted by digit, as a naive loop would draw them
    codes = rng.normal(size=(300, 2)) + labels[:, None] * 3.0
    fig = plotting.plot_latent_scatter(codes, labels, alpha=0.4)
    ax = fig.axes[0]
    (points,) = ax.collections
    drawn = points.get_offsets()
    assert not np.array_equal(np.asarray(drawn), codes)  # not in label order
    assert sorted(map(tuple, np.asarray(drawn))) == sorted(map(tuple, codes))  # every point drawn once
    assert points.get_alpha() == 0.4
    texts = {t.get_text(): t.get_position() for t in ax.texts}
    assert sorted(texts) == [str(d) for d in range(10)]
    for d in range(10):
        assert np.allclose(texts[str(d)], np.median(codes[labels == d], axis=0))
    again = plotting.plot_latent_scatter(codes, labels).axes[0].collections[0].get_offsets()
    assert np.array_equal(np.asarray(again), np.asarray(drawn))  # same order on every run
    bare = plotting.plot_latent_scatter(codes, labels, label_centroids=False, legend=False)
    assert not bare.axes[0].texts
    assert bare.axes[0].get_legend() is None


def test_spread_labels_separates_overlapping_labels_and_keeps_separate_ones():
    low, high = np.array([0.0, 0.0]), np.array([10.0, 100.0])
    positions = np.array([[5.0, 50.0], [5.0, 50.0], [5.1, 50.5], [1.0, 10.0]])  # three on top of each other
    spread = plotting.spread_labels(positions, low, high, min_gap=0.06)
    unit = (spread - low) / (high - low)
    gaps = [np.hypot(*(unit[i] - unit[j])) for i in range(4) for j in range(i + 1, 4)]
    assert min(gaps) >= 0.06 - 1e-9
    assert np.allclose(spread[3], positions[3])  # far from the others: not moved
    assert np.all(np.abs(unit[:3] - unit[:3].mean(axis=0)) < 0.1)  # moved only as far as needed
    assert np.all((spread >= low) & (spread <= high))


def test_latent_scatter_labels_of_coinciding_digits_stay_readable():
    rng = np.random.default_rng(2)
    labels = np.repeat(np.arange(10), 30)
    codes = rng.normal(size=(300, 2)) + (labels[:, None] % 5) * 4.0  # digits d and d + 5 share a place
    ax = plotting.plot_latent_scatter(codes, labels).axes[0]
    spots = np.array([t.get_position() for t in ax.texts])
    span = codes.max(axis=0) - codes.min(axis=0)
    gaps = [np.hypot(*((spots[i] - spots[j]) / span)) for i in range(10) for j in range(i + 1, 10)]
    assert min(gaps) > 0.05


def test_digit_images_use_fixed_grey_range():
    faint = np.full((3, 784), 0.2, dtype="float32")
    fig = plotting.plot_digits(faint)
    for ax in fig.axes[:3]:
        assert ax.images[0].get_clim() == (0, 1)
    grid = plotting.plot_manifold(lambda z: np.full((len(z), 784), 0.3), (0, 1), (0, 1), n=3)
    assert grid.axes[0].images[0].get_clim() == (0, 1)


def test_code_heat_map_can_sort_units():
    codes = np.array([[0.1, 0.9, 0.2, 0.8], [0.7, 0.1, 0.9, 0.1]])
    order = plotting.unit_order(codes)
    assert order.tolist() == [1, 3, 2, 0]  # row 0's units first (most selective first), then row 1's
    fig = plotting.plot_codes(codes, labels=[0, 1], sort_units=True)
    ax = fig.axes[0]
    assert np.array_equal(ax.images[0].get_array(), codes[:, order])
    assert ax.get_xlabel() == "code unit (sorted)"
    plain = plotting.plot_codes(codes, labels=[0, 1]).axes[0]
    assert np.array_equal(plain.images[0].get_array(), codes) and plain.get_xlabel() == "code unit"
    centered = plotting.plot_codes(codes, labels=[0, 1], centered=True).axes[0].images[0]
    assert np.allclose(centered.get_array(), codes - codes.mean(axis=0))
    low, high = centered.get_clim()
    assert low == -high and high > 0  # a diverging scale centred at 0


def test_manifold_decodes_grid():
    seen = []

    def decode(z):
        seen.append(z.shape)
        return np.zeros((len(z), 784))

    fig = plotting.plot_manifold(decode, (-1, 1), (-2, 2), n=6)
    assert seen == [(36, 2)]
    assert fig.axes[0].images[0].get_array().shape == (6 * 28, 6 * 28)


def test_histograms_one_panel_each():
    fig = plotting.plot_histograms({"a": np.zeros(5), "b": np.ones((2, 3))})
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]


@pytest.mark.parametrize("call, match", [
    (lambda: plotting.plot_digits(np.zeros((3, 10))), "not square"),
    (lambda: plotting.plot_digits(IMAGES, labels=[1, 2]), "2 labels for 12 images"),
    (lambda: plotting.plot_reconstructions(IMAGES, IMAGES[:5]), "same shape"),
    (lambda: plotting.plot_reconstructions(IMAGES, IMAGES, n=13), "n=13"),
    (lambda: plotting.plot_history({"loss": []}), "no values for 'loss'"),
    (lambda: plotting.plot_latent_scatter(np.zeros((5, 3)), np.zeros(5)), r"\(N, 2\)"),
    (lambda: plotting.plot_latent_scatter(np.zeros((5, 2)), np.zeros(4)), "labels"),
    (lambda: plotting.plot_latent_scatter(np.zeros((2, 2)), np.array([1, 12])), "digits 0-9"),
    (lambda: plotting.plot_latent_scatter(np.zeros((2, 2)), np.array([1, 2]), alpha=0), "alpha"),
    (lambda: plotting.plot_manifold(lambda z: z, (1, 0), (0, 1)), "low < high"),
    (lambda: plotting.plot_histograms({}), "empty"),
])
def test_bad_inputs_rejected(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_reconstruction_captions_per_digit_bars_and_code_heat_map():
    fig = plotting.plot_reconstructions(IMAGES, IMAGES, n=3, captions=["a", "b", "c"])
    assert [ax.get_title() for ax in fig.axes[:3]] == ["a", "b", "c"]
    fig = plotting.plot_per_digit(np.arange(10.0), ylabel="error")
    assert len(fig.axes[0].patches) == 10
    fig = plotting.plot_codes(np.zeros((4, 128)), labels=[1, 2, 3, 4])
    assert fig.axes[0].images[0].get_array().shape == (4, 128)
    for bad in (lambda: plotting.plot_per_digit(np.arange(9.0), "e"),
                lambda: plotting.plot_codes(np.zeros(5)),
                lambda: plotting.plot_reconstructions(IMAGES, IMAGES, n=2, captions=["x"])):
        with pytest.raises(ValueError):
            bad()


def test_image_rows_any_number_of_rows():
    fig = plotting.plot_image_rows({"a": IMAGES, "b": IMAGES, "c": IMAGES}, n=4)
    assert len(fig.axes) == 12
    assert [fig.axes[i].get_ylabel() for i in (0, 4, 8)] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="same shape"):
        plotting.plot_image_rows({"a": IMAGES, "b": IMAGES[:3]})
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_image_rows({})


def test_grouped_bars_into_given_axes():
    fig, (a, b) = plt.subplots(1, 2)
    out = plotting.plot_grouped_bars({"x": [1, 2], "y": [3, 4]}, ["g1", "g2"], "v", ax=b, log_scale=True,
                                     legend=False)
    assert out is fig and len(b.patches) == 4 and b.get_yscale() == "log" and b.get_legend() is None
    with pytest.raises(ValueError, match="2 values for 3 groups"):
        plotting.plot_grouped_bars({"x": [1, 2]}, ["a", "b", "c"], "v")
