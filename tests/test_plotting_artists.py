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
