"""Tests of every figure in course_utils.plotting, read back from the drawn matplotlib artists.

nbval compares text outputs only, never images, so these tests are what catches a figure that
draws the wrong thing: colours not following shuffled points, a flipped or transposed manifold,
grey levels stretched to the data, counts instead of shares, swapped axes or legends. Figures
are read as they appear: images by their array, extent, origin and colour limits; axes of a grid
by their position on the figure; bars and lines by their data; legends entry by entry.
"""
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb, to_rgba

from course_utils import plotting
from course_utils.plotting import DIGIT_COLORS

IMAGES = np.random.default_rng(0).random((12, 784)).astype("float32")
SIDE = 28


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


# --- helpers that read a drawn figure -----------------------------------------------------------

def _grid(fig) -> dict[tuple[int, int], plt.Axes]:
    """The figure's axes by (row from the top, column from the left) of the grid they are drawn in."""
    cells = {}
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        cells[spec.rowspan.start, spec.colspan.start] = ax
    assert len(cells) == len(fig.axes), "two axes in one cell"
    return cells


def _image(ax) -> np.ndarray:
    """The single image of an axes, as an array."""
    (im,) = ax.images
    return np.asarray(im.get_array())


def _legend(ax) -> dict[str, object]:
    """Legend text -> its handle (the drawn marker, line or patch beside the text)."""
    legend = ax.get_legend()
    assert legend is not None, "no legend drawn"
    return {t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles)}


def _as_seen(ax) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """The axes' image as it appears on screen (top row first, left column first) and the data
    coordinates of its edges (left, right, top, bottom), whatever origin, extent or axis direction."""
    (im,) = ax.images
    pixels = np.asarray(im.get_array())
    left, right, bottom, top = im.get_extent()
    if im.origin == "lower":  # row 0 drawn at `bottom`: make row 0 the one at `top`
        pixels = pixels[::-1]
    if (top > bottom) == ax.yaxis_inverted():  # row 0 is not at the top of the screen
        pixels, top, bottom = pixels[::-1], bottom, top
    if (left < right) == ax.xaxis_inverted():  # column 0 is not at the left of the screen
        pixels, left, right = pixels[:, ::-1], right, left
    return pixels, (left, right, top, bottom)


# --- plot_digits ----------------------------------------------------------------------------------

def test_digits_drawn_row_by_row_in_order_with_their_captions_on_fixed_grey():
    faint = IMAGES[:7] * 0.5  # at most 0.5: a stretched grey scale would draw them bright
    fig = plotting.plot_digits(faint, labels=list("abcdefg"), n_cols=3)
    cells = _grid(fig)
    assert sorted(cells) == [(r, c) for r in range(3) for c in range(3)]
    for i in range(7):
        ax = cells[divmod(i, 3)]
        assert np.array_equal(_image(ax), faint[i].reshape(SIDE, SIDE))
        assert ax.get_title() == "abcdefg"[i]
        assert ax.images[0].get_clim() == (0, 1)
    for i in (7, 8):  # the empty cells of the last row
        assert not cells[divmod(i, 3)].images and not cells[divmod(i, 3)].axison


def test_digit_grid_layout_and_labels():
    fig = plotting.plot_digits(IMAGES, labels=list(range(12)), n_cols=5)
    assert len(fig.axes) == 15  # 3 rows of 5, the last 3 empty
    assert _grid(fig)[2, 1].get_title() == "11"


# --- plot_image_rows / plot_reconstructions -------------------------------------------------------

def test_image_rows_top_to_bottom_in_order_named_and_captioned_on_fixed_grey():
    rng = np.random.default_rng(1)
    rows = {"faint": 0.3 * rng.random((5, 784)), "plain": rng.random((5, 28, 28)),
            "overshoot": 1.6 * rng.random((5, 784))}  # a linear decoder's output above 1
    fig = plotting.plot_image_rows(rows, n=4, captions=["w", "x", "y", "z"])
    cells = _grid(fig)
    assert sorted(cells) == [(r, c) for r in range(3) for c in range(4)]
    for r, (name, x) in enumerate(rows.items()):
        for c in range(4):
            ax = cells[r, c]
            assert np.array_equal(_image(ax), x[c].reshape(SIDE, SIDE))
            assert ax.images[0].get_clim() == (0, 1)
            assert ax.get_ylabel() == (name if c == 0 else "")
            assert ax.get_title() == ("wxyz"[c] if r == 0 else "")


def test_reconstructions_sit_under_their_originals():
    originals, reconstructions = IMAGES[:6] * 0.4, IMAGES[6:]  # faint originals: fixed grey shows it
    fig = plotting.plot_reconstructions(originals, reconstructions, n=5, captions=list("abcde"),
                                        row_labels=("in", "out"))
    cells = _grid(fig)
    assert sorted(cells) == [(r, c) for r in range(2) for c in range(5)]
    assert cells[0, 0].get_ylabel() == "in" and cells[1, 0].get_ylabel() == "out"
    for c in range(5):
        assert np.array_equal(_image(cells[0, c]), originals[c].reshape(SIDE, SIDE))
        assert np.array_equal(_image(cells[1, c]), reconstructions[c].reshape(SIDE, SIDE))
        assert cells[0, c].get_title() == "abcde"[c] and cells[1, c].get_title() == ""
        assert cells[0, c].images[0].get_clim() == cells[1, c].images[0].get_clim() == (0, 1)


def test_reconstructions_two_rows_for_any_n():
    for n in (1, 4, 10):
        fig = plotting.plot_reconstructions(IMAGES, IMAGES[::-1], n=n)
        assert len(fig.axes) == 2 * n
    assert fig.axes[0].get_ylabel() == "original" and fig.axes[10].get_ylabel() == "reconstruction"


def test_image_rows_any_number_of_rows():
    fig = plotting.plot_image_rows({"a": IMAGES, "b": IMAGES, "c": IMAGES}, n=4)
    assert len(fig.axes) == 12
    assert [fig.axes[i].get_ylabel() for i in (0, 4, 8)] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="same shape"):
        plotting.plot_image_rows({"a": IMAGES, "b": IMAGES[:3]})
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_image_rows({})


# --- plot_history ---------------------------------------------------------------------------------

class _History:  # what model.fit returns, as far as plot_history reads it
    history = {"loss": [0.5, 0.3, 0.2, 0.15], "val_loss": [0.6, 0.4, 0.35, 0.33], "mae": [0.2, 0.1, 0.05, 0.04]}


def test_history_lines_are_the_epochs_values_with_matching_legend():
    fig = plotting.plot_history(_History(), log_scale=True)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.lines}
    assert set(lines) == {"training loss", "validation loss"}
    for label, key in (("training loss", "loss"), ("validation loss", "val_loss")):
        assert list(lines[label].get_xdata()) == [1, 2, 3, 4]
        assert list(lines[label].get_ydata()) == _History.history[key]
        assert to_rgb(_legend(ax)[label].get_color()) == to_rgb(lines[label].get_color())
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss" and ax.get_yscale() == "log"
    assert ax.get_title() == "loss per epoch"
    # the two lines look different, as the docstring promises: circles on a solid line for training,
    # squares on a dashed line for validation, in two colours
    train, val = lines["training loss"], lines["validation loss"]
    assert (train.get_marker(), train.get_linestyle()) == ("o", "-")
    assert (val.get_marker(), val.get_linestyle()) == ("s", "--")
    assert to_rgb(train.get_color()) != to_rgb(val.get_color())
    mae = plotting.plot_history(_History.history, metric="mae", title="t").axes[0]  # no val_mae
    assert [line.get_label() for line in mae.lines] == ["training mae"]
    assert list(mae.lines[0].get_ydata()) == _History.history["mae"]
    assert mae.get_ylabel() == "mae" and mae.get_title() == "t" and mae.get_yscale() == "linear"


# --- plot_latent_scatter --------------------------------------------------------------------------

def _clusters(seed: int = 3, per_digit: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Codes of 10 well-separated digit clusters (on a circle), in shuffled order; x spans about
    100 times the range of y, so limits or medians taken from the wrong column show."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.repeat(np.arange(10), per_digit))
    angle = labels * 2 * np.pi / 10
    codes = np.c_[np.cos(angle), np.sin(angle)] + 0.05 * rng.normal(size=(len(labels), 2))
    return codes * [100.0, 1.0], labels


def test_latent_scatter_each_point_has_the_colour_of_its_own_digit():
    codes, labels = _clusters()
    ax = plotting.plot_latent_scatter(codes, labels, alpha=0.5).axes[0]
    (points,) = ax.collections
    offsets, faces = np.asarray(points.get_offsets()), points.get_facecolors()
    assert len(offsets) == len(faces) == len(codes)
    label_of = {tuple(c): d for c, d in zip(codes, labels)}
    drawn = np.array([label_of[tuple(o)] for o in offsets])  # KeyError: a point drawn somewhere else
    assert sorted(map(tuple, offsets)) == sorted(map(tuple, codes))  # every point drawn once
    np.testing.assert_allclose(faces[:, :3], np.asarray(DIGIT_COLORS)[drawn])
    np.testing.assert_allclose(faces[:, 3], 0.5)


def test_latent_scatter_legend_and_digit_labels_match_the_points():
    codes, labels = _clusters()
    ax = plotting.plot_latent_scatter(codes, labels, title="t", xlabel="z0", ylabel="z1").axes[0]
    (points,) = ax.collections
    label_of = {tuple(c): d for c, d in zip(codes, labels)}
    drawn = np.array([label_of[tuple(o)] for o in np.asarray(points.get_offsets())])
    colour_of = {}  # digit -> the one colour its points are drawn in
    for d in range(10):
        (colour,) = {tuple(f[:3]) for f in points.get_facecolors()[drawn == d]}
        colour_of[d] = colour
    entries = _legend(ax)
    assert list(entries) == [str(d) for d in range(10)]
    for text, handle in entries.items():
        assert to_rgb(handle.get_markerfacecolor()) == pytest.approx(colour_of[int(text)])
    texts = {t.get_text(): t for t in ax.texts}
    assert sorted(texts) == [str(d) for d in range(10)]
    for d in range(10):  # clusters far apart: no label is nudged off its median
        assert texts[str(d)].get_position() == pytest.approx(tuple(np.median(codes[labels == d], axis=0)))
        assert to_rgb(texts[str(d)].get_color()) == pytest.approx(colour_of[d])
    for axis, (low, high) in enumerate((ax.get_xlim(), ax.get_ylim())):
        assert low <= codes[:, axis].min() and codes[:, axis].max() <= high  # every point inside
        assert np.ptp(codes[:, axis]) > 0.8 * (high - low)  # and filling the axes
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("z0", "z1", "t")


def test_latent_scatter_draws_into_a_given_axes():
    codes, labels = _clusters(per_digit=5)
    fig, (left, right) = plt.subplots(1, 2)
    assert plotting.plot_latent_scatter(codes, labels, ax=right, legend=False) is fig
    assert not left.collections and len(right.collections) == 1 and right.get_legend() is None


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


def _marker_of(collection) -> str:
    """Which of the triangle markers ``<>^v`` a scatter collection draws (from its marker path)."""
    from matplotlib.markers import MarkerStyle

    (path,) = collection.get_paths()
    shapes = {m: MarkerStyle(m).get_path().transformed(MarkerStyle(m).get_transform()).vertices for m in "<>^v"}
    (marker,) = [m for m, v in shapes.items() if v.shape == path.vertices.shape and np.allclose(v, path.vertices)]
    return marker


def _with_outliers() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The clusters of :func:`_clusters` plus four far-flung codes, one past each edge (one of them
    past a corner, further out in x), and which rows are the outliers."""
    codes, labels = _clusters(per_digit=100)
    far = np.array([[5000.0, 0.0], [-4000.0, 0.3], [0.0, 60.0], [3000.0, -90.0]])  # right, left, top, bottom
    return np.r_[codes, far], np.r_[labels, [1, 2, 3, 4]], np.r_[np.zeros(len(codes), bool), np.ones(4, bool)]


def test_latent_scatter_zoom_keeps_the_digits_in_view_and_marks_the_rest_on_the_edges():
    codes, labels, far = _with_outliers()
    ax = plotting.plot_latent_scatter(codes, labels, zoom=0.99).axes[0]
    points, *edges = ax.collections
    inner = codes[~far]
    # the view: the digits fill it, the outliers are beyond it
    for axis, (low, high) in enumerate((ax.get_xlim(), ax.get_ylim())):
        assert low <= inner[:, axis].min() and inner[:, axis].max() <= high
        assert np.ptp(inner[:, axis]) > 0.7 * (high - low)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    # every point inside the view drawn once, in its digit's colour; the outliers not among them
    offsets = np.asarray(points.get_offsets())
    assert sorted(map(tuple, offsets)) == sorted(map(tuple, inner))
    label_of = {tuple(c): d for c, d in zip(codes, labels)}
    np.testing.assert_allclose(points.get_facecolors()[:, :3],
                               np.asarray(DIGIT_COLORS)[[label_of[tuple(o)] for o in offsets]])
    # each outlier: a triangle on the edge it lies past, pointing outwards, in its digit's colour
    # (the bottom one, (3000, -90), is past the right edge too, but further past the bottom in
    # units of each axis' span)
    expected = {">": ((x1, 0.0), 1), "<": ((x0, 0.3), 2), "^": ((0.0, y1), 3), "v": ((x1, y0), 4)}
    assert len(edges) == 4
    seen = {}
    for edge in edges:
        (offset,) = np.asarray(edge.get_offsets())
        (face,) = edge.get_facecolors()
        seen[_marker_of(edge)] = (tuple(offset), face[:3])
    for marker, ((ex, ey), digit) in expected.items():
        assert seen[marker][0] == pytest.approx((ex, ey))
        assert seen[marker][1] == pytest.approx(DIGIT_COLORS[digit])
    # the legend: the ten digits, then the count of the marked points
    entries = list(_legend(ax))
    assert entries[:10] == [str(d) for d in range(10)]
    assert entries[10] == "4 beyond the view\n(0.4%), on its edge"
    # the digit labels stay at their medians, inside the view
    for text in ax.texts:
        assert text.get_position() == pytest.approx(tuple(np.median(codes[labels == int(text.get_text())], axis=0)))


def test_latent_scatter_zoom_without_outliers_and_the_count_without_the_digit_legend():
    codes, labels = _clusters()
    ax = plotting.plot_latent_scatter(codes, labels, zoom=1.0, margin=0.05).axes[0]
    assert len(ax.collections) == 1  # nothing beyond the view: no edge markers
    for axis, (low, high) in enumerate((ax.get_xlim(), ax.get_ylim())):
        span = np.ptp(codes[:, axis])
        assert (low, high) == pytest.approx((codes[:, axis].min() - 0.05 * span, codes[:, axis].max() + 0.05 * span))
    assert list(_legend(ax))[10] == "0 beyond the view\n(0.0%), on its edge"
    codes, labels, _ = _with_outliers()
    bare = plotting.plot_latent_scatter(codes, labels, zoom=0.99, legend=False).axes[0]
    assert list(_legend(bare)) == ["4 beyond the view\n(0.4%), on its edge"]


def test_latent_scatter_zoom_takes_its_view_from_the_central_share_of_the_points():
    """zoom=0.9 with no margin: the view runs from the 5th to the 95th percentile on each axis (not the 10th
    to the 90th), and the points beyond it are the ones counted."""
    grid = np.linspace(0.0, 1.0, 1000)
    codes = np.column_stack([grid, np.random.default_rng(0).permutation(grid)])
    labels = np.arange(1000) % 10
    ax = plotting.plot_latent_scatter(codes, labels, zoom=0.9, margin=0).axes[0]
    for axis, limits in enumerate((ax.get_xlim(), ax.get_ylim())):
        assert limits == pytest.approx(tuple(np.quantile(codes[:, axis], [0.05, 0.95])))
    beyond = ((codes < np.quantile(codes, 0.05, axis=0)) | (codes > np.quantile(codes, 0.95, axis=0))).any(axis=1)
    assert list(_legend(ax))[10].startswith(f"{beyond.sum()} beyond the view")


# --- spread_labels --------------------------------------------------------------------------------

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


def test_spread_labels_keeps_labels_at_a_corner_inside_the_plot():
    """Ten labels on the top-right corner (a digit cluster at the edge of the data): pushed apart,
    none may leave the plotted area."""
    low, high = np.array([-2.0, 0.0]), np.array([2.0, 50.0])
    spread = plotting.spread_labels(np.tile(high, (10, 1)), low, high, min_gap=0.06)
    assert np.all((spread >= low - 1e-12) & (spread <= high + 1e-12)), spread
    assert len({tuple(np.round(p, 9)) for p in spread}) == 10  # and they did move apart


def test_latent_scatter_labels_of_coinciding_digits_stay_readable():
    rng = np.random.default_rng(2)
    labels = np.repeat(np.arange(10), 30)
    codes = rng.normal(size=(300, 2)) + (labels[:, None] % 5) * 4.0  # digits d and d + 5 share a place
    ax = plotting.plot_latent_scatter(codes, labels).axes[0]
    spots = np.array([t.get_position() for t in ax.texts])
    span = codes.max(axis=0) - codes.min(axis=0)
    gaps = [np.hypot(*((spots[i] - spots[j]) / span)) for i in range(10) for j in range(i + 1, 10)]
    assert min(gaps) > 0.05


# --- plot_manifold --------------------------------------------------------------------------------

def _revealing_decoder(x_range, y_range, seen: list):
    """A decode function whose images tell which code they came from: rows 0-13 have the grey
    level 0.1 + 0.7 * (where z0 lies in x_range), rows 14-27 the same for z1, and a white 4x4
    block marks the top-left corner (a flipped or transposed tile moves it or mixes the halves)."""
    def decode(z: np.ndarray) -> np.ndarray:
        seen.append(np.array(z))
        a = 0.1 + 0.7 * (z[:, 0] - x_range[0]) / (x_range[1] - x_range[0])
        b = 0.1 + 0.7 * (z[:, 1] - y_range[0]) / (y_range[1] - y_range[0])
        images = np.empty((len(z), SIDE, SIDE))
        images[:, :14] = a[:, None, None]
        images[:, 14:] = b[:, None, None]
        images[:, :4, :4] = 1.0
        return images.reshape(len(z), -1)
    return decode


@pytest.mark.parametrize("n, x_range, y_range", [(4, (-3.0, 1.0), (10.0, 20.0)), (5, (0.0, 2.0), (-1.0, 1.0))])
def test_manifold_tile_of_each_code_sits_at_that_code_upright(n, x_range, y_range):
    seen = []
    fig = plotting.plot_manifold(_revealing_decoder(x_range, y_range, seen), x_range, y_range, n=n,
                                 xlabel="z[0]", ylabel="z[1]")
    ax = fig.axes[0]
    assert len(seen) == 1 and seen[0].shape == (n * n, 2)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("z[0]", "z[1]")  # z0 is on x, z1 on y
    assert not ax.xaxis_inverted() and not ax.yaxis_inverted()  # codes grow rightwards and upwards
    assert ax.images[0].get_clim() == (0, 1)
    pixels, (left, right, top, bottom) = _as_seen(ax)
    assert pixels.shape == (n * SIDE, n * SIDE)
    step_x, step_y = (x_range[1] - x_range[0]) / (n - 1), (y_range[1] - y_range[0]) / (n - 1)
    for i in range(n):  # i-th tile row from the top
        for j in range(n):  # j-th tile column from the left
            tile = pixels[i * SIDE:(i + 1) * SIDE, j * SIDE:(j + 1) * SIDE]
            assert np.all(tile[:4, :4] == 1.0), f"tile ({i}, {j}) is not upright"
            a, b = tile[4:14], tile[14:]
            assert np.ptp(a) == 0 and np.ptp(b) == 0, f"tile ({i}, {j}) is transposed"
            z0 = x_range[0] + (a[0, 0] - 0.1) / 0.7 * (x_range[1] - x_range[0])
            z1 = y_range[0] + (b[0, 0] - 0.1) / 0.7 * (y_range[1] - y_range[0])
            centre_x = left + (j + 0.5) * (right - left) / n
            centre_y = top + (i + 0.5) * (bottom - top) / n
            assert z0 == pytest.approx(centre_x, abs=0.02 * step_x), f"tile ({i}, {j}): z0 off its x"
            assert z1 == pytest.approx(centre_y, abs=0.02 * step_y), f"tile ({i}, {j}): z1 off its y"
    assert sorted(ax.get_xlim()) == pytest.approx(sorted((left, right)))  # no tile cut off
    assert sorted(ax.get_ylim()) == pytest.approx(sorted((bottom, top)))


def test_manifold_keeps_fixed_grey_range():
    grid = plotting.plot_manifold(lambda z: np.full((len(z), 784), 0.3), (0, 1), (0, 1), n=3)
    assert grid.axes[0].images[0].get_clim() == (0, 1)
    assert grid.axes[0].get_title() == "decoder outputs on a 3x3 grid of codes"


# --- plot_histograms / plot_score_histograms ------------------------------------------------------

def _bars(patches) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Left edges, widths and heights of bars, sorted left to right."""
    rows = sorted((p.get_x(), p.get_width(), p.get_height()) for p in patches)
    return tuple(np.array(col) for col in zip(*rows))


def test_histogram_panels_show_shares_of_their_own_values():
    rng = np.random.default_rng(4)
    values = {"many": 3 * rng.normal(size=(40, 25)), "few": rng.uniform(size=37)}
    fig = plotting.plot_histograms(values, bins=20, xlabel="unit", title="t")
    panels = sorted(fig.axes, key=lambda ax: ax.get_position().x0)
    assert [ax.get_title() for ax in panels] == list(values)
    for ax, v in zip(panels, values.values()):
        left, width, height = _bars(ax.patches)
        counts, edges = np.histogram(v, bins=20)
        np.testing.assert_allclose(left, edges[:-1])
        np.testing.assert_allclose(height, counts / v.size)  # shares, not counts
        assert height.sum() == pytest.approx(1.0)
        assert ax.get_xlabel() == "unit" and ax.get_ylabel() == "share of values"
    assert fig._suptitle.get_text() == "t"
    clipped = plotting.plot_histograms({"few": values["few"]}, bins=5, value_range=(0, 0.5)).axes[0]
    inside = np.mean(values["few"] <= 0.5)  # the others are left out but still count in the total
    assert _bars(clipped.patches)[2].sum() == pytest.approx(inside)


def test_histograms_one_panel_each():
    fig = plotting.plot_histograms({"a": np.zeros(5), "b": np.ones((2, 3))})
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]


@pytest.mark.parametrize("log_x", [True, False])
def test_score_histograms_shares_legend_colours_and_threshold(log_x):
    rng = np.random.default_rng(5)
    normal, anomalous = rng.lognormal(0.0, 0.3, 200), rng.lognormal(1.0, 0.5, 700)
    ax = plotting.plot_score_histograms(normal, anomalous, threshold=2.5, bins=30, log_x=log_x).axes[0]
    assert len(ax.containers) == 2
    left, width, _ = _bars(ax.containers[0].patches)
    edges = np.r_[left, left[-1] + width[-1]]  # read back from the bars: to within rounding
    both = np.r_[normal, anomalous]
    assert len(left) == 30 and edges[[0, -1]] == pytest.approx([both.min(), both.max()], rel=1e-12)
    edges[[0, -1]] = both.min(), both.max()  # the bins span all scores
    spacing = np.diff(np.log(edges) if log_x else edges)
    np.testing.assert_allclose(spacing, spacing[0], rtol=1e-6)  # bins equally wide on the drawn axis
    shares = {}  # which drawn histogram is which group, found by its bar heights
    for name, v in (("normal (200 images)", normal), ("anomalies (700 images)", anomalous)):
        expected = np.histogram(v, bins=edges)[0] / v.size
        (container,) = [c for c in ax.containers if np.allclose(_bars(c.patches)[2], expected)]
        assert _bars(container.patches)[2].sum() == pytest.approx(1.0)
        shares[name] = container
    entries = _legend(ax)
    assert set(entries) == {*shares, "threshold"}
    for name, container in shares.items():  # each legend entry has its own histogram's colour
        assert to_rgba(entries[name].get_facecolor()) == to_rgba(container.patches[0].get_facecolor())
    assert to_rgb(entries["normal (200 images)"].get_facecolor()) != to_rgb(entries["anomalies (700 images)"].get_facecolor())
    (line,) = ax.lines
    assert line.get_label() == "threshold" and list(line.get_xdata()) == [2.5, 2.5]
    assert ax.get_xscale() == ("log" if log_x else "linear") and ax.get_ylabel() == "share of images"
    assert not plotting.plot_score_histograms(normal, anomalous).axes[0].lines  # no threshold: no line


# --- plot_roc_curves ------------------------------------------------------------------------------

def test_roc_curves_fpr_on_x_tpr_on_y_with_each_curves_auroc():
    curves = {"good": ([0.0, 0.1, 0.3, 1.0], [0.0, 0.7, 0.9, 1.0]),  # AUROC 0.035 + 0.16 + 0.665
              "poor": (np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.6, 1.0]))}  # 0.15 + 0.4
    ax = plotting.plot_roc_curves(curves, title="t", mark_fpr=0.05).axes[0]
    assert "false-positive" in ax.get_xlabel() and "true-positive" in ax.get_ylabel()
    assert ax.get_xlim() == (0, 1) and ax.get_title() == "t"
    lines = {line.get_label(): line for line in ax.lines}
    entries = _legend(ax)
    for label, (fpr, tpr) in (("good (AUROC 0.860)", curves["good"]), ("poor (AUROC 0.550)", curves["poor"])):
        np.testing.assert_allclose(lines[label].get_xdata(), fpr)
        np.testing.assert_allclose(lines[label].get_ydata(), tpr)
        assert to_rgb(entries[label].get_color()) == to_rgb(lines[label].get_color())
    assert list(lines["chance"].get_xdata()) == [0, 1] and list(lines["chance"].get_ydata()) == [0, 1]
    assert set(entries) == {"good (AUROC 0.860)", "poor (AUROC 0.550)", "chance", "5% of normal images flagged"}
    mark = lines["5% of normal images flagged"]
    assert list(mark.get_xdata()) == [0.05, 0.05]  # a vertical line at the marked false-positive rate
    assert mark.get_linestyle() == ":"
    no_mark = plotting.plot_roc_curves(curves).axes[0]
    assert set(_legend(no_mark)) == {"good (AUROC 0.860)", "poor (AUROC 0.550)", "chance"}


def test_roc_auroc_matches_sklearn():
    from sklearn.metrics import roc_auc_score, roc_curve

    rng = np.random.default_rng(6)
    truth = rng.integers(0, 2, 300)
    scores = truth + rng.normal(size=300)
    fpr, tpr, _ = roc_curve(truth, scores)
    label = plotting.plot_roc_curves({"s": (fpr, tpr)}).axes[0].lines[0].get_label()
    assert label == f"s (AUROC {roc_auc_score(truth, scores):.3f})"


# --- plot_per_digit / plot_grouped_bars / plot_codes ----------------------------------------------

def test_per_digit_bar_d_is_digit_ds_value_in_its_colour():
    values = np.array([5.0, 3.0, 8.0, 1.0, 9.0, 2.0, 7.0, 4.0, 6.0, 0.5])
    ax = plotting.plot_per_digit(values, ylabel="error", title="t").axes[0]
    assert len(ax.patches) == 10
    for bar in ax.patches:
        d = round(bar.get_x() + bar.get_width() / 2)
        assert bar.get_x() + bar.get_width() / 2 == pytest.approx(d)
        assert bar.get_height() == values[d]
        assert to_rgb(bar.get_facecolor()) == pytest.approx(DIGIT_COLORS[d])
    assert list(ax.get_xticks()) == list(range(10))
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("digit", "error", "t")


def test_grouped_bars_each_series_in_its_colour_in_group_order():
    values = {"A": [1.0, 2.0, 3.0], "B": [4.0, 5.0, 6.0], "C": [9.0, 8.0, 7.0]}
    ax = plotting.plot_grouped_bars(values, ["g0", "g1", "g2"], ylabel="v", title="t", ylim=(0, 10)).axes[0]
    entries = _legend(ax)
    assert list(entries) == list(values)
    centres = {}
    for name, handle in entries.items():
        mine = [p for p in ax.patches if to_rgba(p.get_facecolor()) == to_rgba(handle.get_facecolor())]
        mine.sort(key=lambda p: p.get_x())
        assert [p.get_height() for p in mine] == values[name]
        centres[name] = np.array([p.get_x() + p.get_width() / 2 for p in mine])
        assert np.all(np.abs(centres[name] - np.arange(3)) < 0.5)  # bar g within group g's cluster
    assert np.all(centres["A"] < centres["B"]) and np.all(centres["B"] < centres["C"])  # series order
    assert list(ax.get_xticks()) == [0, 1, 2]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["g0", "g1", "g2"]
    assert (ax.get_ylabel(), ax.get_title(), ax.get_ylim()) == ("v", "t", (0, 10))


def test_grouped_bars_into_given_axes():
    fig, (a, b) = plt.subplots(1, 2)
    out = plotting.plot_grouped_bars({"x": [1, 2], "y": [3, 4]}, ["g1", "g2"], "v", ax=b, log_scale=True,
                                     legend=False)
    assert out is fig and len(b.patches) == 4 and b.get_yscale() == "log" and b.get_legend() is None
    with pytest.raises(ValueError, match="2 values for 3 groups"):
        plotting.plot_grouped_bars({"x": [1, 2]}, ["a", "b", "c"], "v")


def test_code_heat_map_rows_labelled_top_down_on_a_scale_from_zero():
    codes = np.array([[0.5, 2.0, 1.0], [1.5, 0.7, 0.9], [1.2, 1.1, 1.8]])  # ReLU codes, none at 0
    fig = plotting.plot_codes(codes, labels=["a", "b", "c"], title="t")
    ax = fig.axes[0]
    assert np.array_equal(_image(ax), codes)
    assert ax.images[0].get_clim() == (0, 2.0)  # 0 is the darkest colour, not the lowest code
    pixels, (_, _, top, bottom) = _as_seen(ax)
    assert np.array_equal(pixels, codes)  # row 0 on top
    ticks = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels())))
    for i, label in enumerate("abc"):  # each label at the height of its row's centre
        assert ticks[top + (i + 0.5) * (bottom - top) / 3] == label
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("code unit", "digit", "t")
    assert fig.axes[1].get_ylabel() == "activation"  # the colour bar
    signed = plotting.plot_codes(codes - 1.0).axes[0]
    assert signed.images[0].get_clim() == (-0.5, 1.0) and signed.get_ylabel() == "image"


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


# --- input checks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: plotting.plot_digits(np.zeros((3, 10))), "not square"),
    (lambda: plotting.plot_digits(IMAGES, labels=[1, 2]), "2 labels for 12 images"),
    (lambda: plotting.plot_reconstructions(IMAGES, IMAGES[:5]), "same shape"),
    (lambda: plotting.plot_reconstructions(IMAGES, IMAGES, n=13), "n=13"),
    (lambda: plotting.plot_reconstructions(IMAGES, IMAGES, n=2, captions=["x"]), "1 captions"),
    (lambda: plotting.plot_history({"loss": []}), "no values for 'loss'"),
    (lambda: plotting.plot_latent_scatter(np.zeros((5, 3)), np.zeros(5)), r"\(N, 2\)"),
    (lambda: plotting.plot_latent_scatter(np.zeros((5, 2)), np.zeros(4)), "labels"),
    (lambda: plotting.plot_latent_scatter(np.zeros((2, 2)), np.array([1, 12])), "digits 0-9"),
    (lambda: plotting.plot_latent_scatter(np.zeros((2, 2)), np.array([1, 2]), alpha=0), "alpha"),
    (lambda: plotting.plot_latent_scatter(np.zeros((2, 2)), np.array([1, 2]), zoom=1.5), "zoom"),
    (lambda: plotting.plot_latent_scatter(np.zeros((2, 2)), np.array([1, 2]), zoom=0.99, margin=-1), "margin"),
    (lambda: plotting.plot_manifold(lambda z: z, (1, 0), (0, 1)), "low < high"),
    (lambda: plotting.plot_manifold(lambda z: np.zeros((3, 784)), (0, 1), (0, 1), n=2), "3 images for 4"),
    (lambda: plotting.plot_histograms({}), "empty"),
    (lambda: plotting.plot_per_digit(np.arange(9.0), "e"), r"shape \(10,\)"),
    (lambda: plotting.plot_codes(np.zeros(5)), "2-D"),
])
def test_bad_inputs_rejected(call, match):
    with pytest.raises(ValueError, match=match):
        call()
