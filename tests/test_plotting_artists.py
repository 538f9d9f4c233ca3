"""What the drawn artists mean, beyond where they are (tests/test_plotting.py): grey images map 0 to
black and 1 to white, the centred code heat map draws a positive difference red and a negative one
blue (as notebook 04 says), and a ROC curve's AUROC counts points with equal false-positive rates in
the order of their true-positive rates."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import plotting  # noqa: E402

IMAGES = np.random.default_rng(0).random((12, 784)).astype("float32")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _assert_black_to_white(image) -> None:
    """``image`` (an AxesImage) draws 0 black, 1 white and 0.5 a neutral mid grey."""
    black, grey, white = (np.asarray(image.to_rgba(np.array([[v]]))[0, 0, :3]) for v in (0.0, 0.5, 1.0))
    np.testing.assert_allclose(black, [0, 0, 0], atol=1e-6)
    np.testing.assert_allclose(white, [1, 1, 1], atol=1e-6)
    assert np.ptp(grey) < 1e-6 and 0.3 < grey[0] < 0.7, grey


@pytest.mark.parametrize("draw", [
    lambda: plotting.plot_digits(IMAGES[:5], n_cols=5),
    lambda: plotting.plot_image_rows({"a": IMAGES, "b": IMAGES}, n=3),
    lambda: plotting.plot_reconstructions(IMAGES, IMAGES[::-1], n=4),
    lambda: plotting.plot_manifold(lambda z: np.tile(IMAGES[:1], (len(z), 1)), (-1, 1), (-1, 1), n=3),
], ids=["digits", "image_rows", "reconstructions", "manifold"])
def test_grey_images_draw_0_black_and_1_white(draw):
    images = [im for ax in draw().axes for im in ax.images]
    assert images
    for image in images:
        _assert_black_to_white(image)


def test_centred_code_map_is_red_above_the_mean_and_blue_below():
    codes = np.array([[3.0, 0.0], [1.0, 2.0]])  # centred: [[1, -1], [-1, 1]]
    fig = plotting.plot_codes(codes, labels=["a", "b"], centered=True)
    (image,) = fig.axes[0].images
    red, blue = (np.asarray(image.to_rgba(np.array([[v]]))[0, 0, :3]) for v in (1.0, -1.0))
    assert red[0] > red[2] + 0.2, red  # above the unit's mean: red
    assert blue[2] > blue[0] + 0.2, blue  # below it: blue
    middle = np.asarray(image.to_rgba(np.array([[0.0]]))[0, 0, :3])
    assert middle.min() > 0.9, middle  # no difference: white
    assert fig.axes[1].get_ylabel() == "activation minus its mean over rows"


def test_plain_code_map_draws_zero_darkest():
    codes = np.array([[0.0, 2.0], [1.0, 4.0]])
    (image,) = plotting.plot_codes(codes).axes[0].images
    zero, top = (np.asarray(image.to_rgba(np.array([[v]]))[0, 0, :3]) for v in (0.0, 4.0))
    assert zero.sum() < top.sum()  # an inactive unit (0) is the dark end of viridis


def test_roc_auroc_orders_tied_false_positive_rates_by_true_positive_rate():
    """(fpr, tpr) = (0, 0.5), (0, 0), (1, 1): fpr non-decreasing, the tie given high first. The curve
    climbs (0, 0) -> (0, 0.5) -> (1, 1): area 0.75 (taken in the given order it would be 0.5)."""
    ax = plotting.plot_roc_curves({"tied": ([0.0, 0.0, 1.0], [0.5, 0.0, 1.0])}).axes[0]
    assert "tied (AUROC 0.750)" in [line.get_label() for line in ax.lines]


def test_digit_colours_are_tab10_in_its_own_order():
    """Digit d is drawn in tab10's d-th colour (0 blue, 1 orange, 2 green ...), as the notebooks' prose and
    every legend assume; a rotated or reordered palette would still be 'consistent' and pass the other tests."""
    expected = matplotlib.colormaps["tab10"].colors
    np.testing.assert_allclose(np.asarray(plotting.DIGIT_COLORS), np.asarray(expected))
    assert matplotlib.colors.to_hex(plotting.DIGIT_COLORS[0]) == "#1f77b4"  # blue
    assert matplotlib.colors.to_hex(plotting.DIGIT_COLORS[1]) == "#ff7f0e"  # orange


def test_score_histograms_draw_the_normal_scores_blue_and_the_anomalies_orange():
    """Low scores belong to the normal images: their bars are blue, the high ones orange, and the legend
    names each colour with its group, so swapping the two colours (or the two groups) fails."""
    rng = np.random.default_rng(0)
    fig = plotting.plot_score_histograms(rng.uniform(1, 2, 300), rng.uniform(10, 20, 100), log_x=False, bins=40)
    ax = fig.axes[0]
    blue, orange = (np.asarray(matplotlib.colors.to_rgb(c)) for c in plotting.DIGIT_COLORS[:2])
    drawn = [p for p in ax.patches if p.get_height() > 0]
    assert drawn
    for patch in drawn:
        colour = np.asarray(patch.get_facecolor()[:3])
        centre = patch.get_x() + patch.get_width() / 2
        np.testing.assert_allclose(colour, blue if centre < 5 else orange, atol=1e-6)
    legend = {text.get_text().split(" (")[0]: np.asarray(handle.get_facecolor()[:3])
              for text, handle in zip(ax.get_legend().get_texts(), ax.get_legend().legend_handles)}
    np.testing.assert_allclose(legend["normal"], blue, atol=1e-6)
    np.testing.assert_allclose(legend["anomalies"], orange, atol=1e-6)


def test_grouped_bars_leave_an_unmeasured_group_empty_instead_of_drawing_zero():
    """10's chart has a series measured on the even digits only: its odd-digit slots hold no bar at all."""
    fig = plotting.plot_grouped_bars({"all": [0.9, 0.8, 0.7], "some": [0.95, np.nan, 0.85]},
                                     groups=["0", "1", "2"], ylabel="AUROC")
    containers = fig.axes[0].containers
    assert [len(c.patches) for c in containers] == [3, 2]
    some = containers[1].patches
    assert [p.get_height() for p in some] == pytest.approx([0.95, 0.85])
    centres = [p.get_x() + p.get_width() / 2 for p in some]
    assert centres[0] == pytest.approx(0.2) and centres[1] == pytest.approx(2.2)


def test_grouped_bars_width_fills_the_cluster():
    """Two series share 0.8 of each cluster: each bar is 0.4 wide, measured or not elsewhere."""
    fig = plotting.plot_grouped_bars({"all": [0.9, 0.8, 0.7], "some": [0.95, np.nan, 0.85]}, ["0", "1", "2"], "AUROC")
    for container in fig.axes[0].containers:
        assert [p.get_width() for p in container.patches] == pytest.approx([0.4] * len(container.patches))


def test_score_histograms_draw_the_normal_scores_first_as_shares():
    rng = np.random.default_rng(0)
    ax = plotting.plot_score_histograms(rng.uniform(1, 2, 300), rng.uniform(10, 20, 100), log_x=False).axes[0]
    first = ax.containers[0].patches
    np.testing.assert_allclose(np.asarray(first[0].get_facecolor()[:3]),
                               np.asarray(matplotlib.colors.to_rgb(plotting.DIGIT_COLORS[0])), atol=1e-6)
    assert sum(p.get_height() for p in first) == pytest.approx(1.0)
