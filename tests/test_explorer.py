"""The latent-space explorer's logic (course_utils.explorer) and notebook 11's exercise checkers,
without a browser: slider values -> decoded images and figure, path mode, the widget's callbacks."""
import io

import keras
import numpy as np
import pytest
from PIL import Image

from course_utils import checks
from course_utils.explorer import (DIGIT_RECTS, MAP_RECTS, LatentExplorer, Panel, clear_path_pair,
                                   decode_points, explorer_widget, point_on_line, slider_limits,
                                   straight_line, zoom_with_outliers)

YY, XX = np.mgrid[0:28, 0:28]


def blob_decoder(z):
    """A decoder whose image is a bright blob centred at 14 + 4 * z: the image moves with the code."""
    z = np.asarray(z, dtype=np.float32).reshape(-1, 2)
    cx, cy = 14 + 4 * z[:, :1, None], 14 + 4 * z[:, 1:, None]
    return np.exp(-((XX - cx) ** 2 + (YY - cy) ** 2) / 8.0).reshape(len(z), 784).astype("float32")


@pytest.fixture(scope="module")
def keras_decoder():
    keras.utils.set_random_seed(0)
    z = keras.Input((2,))
    h = keras.layers.Dense(16, activation="tanh")(z)
    return keras.Model(z, keras.layers.Dense(784, activation="sigmoid")(h))


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 30)
    codes_a = rng.normal(size=(300, 2)).astype("float32") + labels[:, None] * 0.2
    codes_b = 3 * rng.normal(size=(300, 2)).astype("float32")
    return labels, codes_a, codes_b


@pytest.fixture
def explorer(data):
    labels, codes_a, codes_b = data
    return LatentExplorer([Panel("model A", blob_decoder, codes_a, labels),
                           Panel("model B", lambda z: 1 - blob_decoder(z), codes_b, labels)])


def _digit_crop(png: bytes, i: int) -> np.ndarray:
    """The decoded digit of panel i, cut out of the rendered PNG by its fixed figure position
    (what the browser test does with a screenshot of the widget)."""
    img = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    h, w = img.shape
    left, bottom, width, height = DIGIT_RECTS[i]
    return img[int(h * (1 - bottom - height)) + 2:int(h * (1 - bottom)) - 2,
               int(w * left) + 2:int(w * (left + width)) - 2]


# --- decoding and lines ---------------------------------------------------------------------

def test_decode_points_with_a_keras_decoder_matches_predict(keras_decoder):
    z = np.array([[0.0, 0.0], [1.5, -2.0], [-3.0, 0.5]], "float32")
    images = decode_points(keras_decoder, z)
    assert images.shape == (3, 28, 28) and images.dtype == np.float32
    np.testing.assert_allclose(images.reshape(3, 784), keras_decoder.predict(z, verbose=0), atol=1e-6)
    assert 0 <= images.min() and images.max() <= 1
    one = decode_points(keras_decoder, [1.5, -2.0])  # a single point (2,)
    np.testing.assert_allclose(one[0], images[1], atol=1e-6)


def test_decode_points_rejects_bad_codes_and_bad_decoders(keras_decoder):
    for bad in ([1.0, 2.0, 3.0], np.zeros((4, 3)), [[np.nan, 0.0]], []):
        with pytest.raises(ValueError):
            decode_points(keras_decoder, bad)
    with pytest.raises(ValueError, match="decoder returned"):
        decode_points(lambda z: np.zeros((len(z), 10)), [0.0, 0.0])


def test_straight_line_runs_evenly_from_end_to_end():
    line = straight_line([0.0, 0.0], [2.0, -4.0], n=5)
    np.testing.assert_allclose(line, [[0, 0], [0.5, -1], [1, -2], [1.5, -3], [2, -4]], atol=1e-6)
    assert line.dtype == np.float32
    np.testing.assert_allclose(point_on_line([0, 0], [2, -4], 0.25), [0.5, -1.0], atol=1e-6)
    np.testing.assert_allclose(straight_line([1, 1], [1, 1], 3), np.ones((3, 2)))
    for n in (1, 0, 2.5):
        with pytest.raises(ValueError):
            straight_line([0, 0], [1, 1], n)
    with pytest.raises(ValueError):
        point_on_line([0, 0], [1, 1], 1.5)


def test_slider_limits_cover_the_codes_with_a_margin():
    codes = np.random.default_rng(1).normal(size=(2000, 2)) * [1.0, 5.0]
    (x0, x1), (y0, y1) = slider_limits(codes)
    inside = ((codes[:, 0] >= x0) & (codes[:, 0] <= x1) & (codes[:, 1] >= y0) & (codes[:, 1] <= y1)).mean()
    assert inside > 0.99
    assert x1 - x0 < y1 - y0  # each axis gets its own range
    assert x1 - x0 < 3 * (np.ptp(codes[:, 0]))


def test_zoom_with_outliers_zooms_on_the_bulk_and_marks_every_outlier_at_the_edge():
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(2)
    # far right; far below; far right and above; far above only (each edge's test counts)
    codes = np.vstack([rng.normal(size=(1000, 2)), [[40.0, 0.0], [0.0, -30.0], [25.0, 25.0], [0.0, 30.0]]])
    fig, ax = plt.subplots()
    ax.scatter(codes[:, 0], codes[:, 1])
    count = zoom_with_outliers(ax, codes)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert ((x0, x1), (y0, y1)) == slider_limits(codes)
    assert x1 < 10 and y0 > -10  # the three far points no longer stretch the axes
    outside = (codes[:, 0] < x0) | (codes[:, 0] > x1) | (codes[:, 1] < y0) | (codes[:, 1] > y1)
    assert count == outside.sum() >= 4
    marks = [c for c in ax.collections if c.get_label() == "_outside"]
    assert len(marks) == 1
    edge = marks[0].get_offsets()
    assert len(edge) == count
    on_edge = np.isclose(edge[:, 0], x0) | np.isclose(edge[:, 0], x1) | np.isclose(edge[:, 1], y0) | np.isclose(edge[:, 1], y1)
    assert on_edge.all()
    assert [[x1, 0.0]] in edge.tolist() or np.isclose(edge, [x1, 0.0]).all(axis=1).any()  # (40, 0) at the right edge
    assert np.isclose(edge, [0.0, y1]).all(axis=1).any()  # (0, 30) at the top edge
    assert any(f"{count} points outside" in t.get_text() for t in ax.texts)
    plt.close(fig)
    fig, ax = plt.subplots()
    assert zoom_with_outliers(ax, codes, limits=((-100, 100), (-100, 100))) == 0
    assert ax.get_xlim() == (-100, 100) and not ax.texts  # nothing outside: no marks, no note
    plt.close(fig)


def test_slider_limits_round_outwards_to_a_tenth():
    """Ends at 1.27 and 4.52 (no widening): rounding to the nearest tenth would cut the range to
    1.3-4.5 and hide the extreme codes; outwards it is 1.2-4.6."""
    codes = np.array([[1.27, -0.31], [4.52, 0.88], [2.0, 0.0]])
    assert slider_limits(codes, low=0, high=100, margin=0) == ((1.2, 4.6), (-0.4, 0.9))


def test_decode_points_clips_to_the_pixel_range():
    """A decoder with a linear output (values outside [0, 1]) still gives images on the 0-1 grey scale."""
    def linear(z):
        return np.where(np.arange(784) < 392, 1.7, -0.3)[None].repeat(len(z), axis=0)

    images = decode_points(linear, np.zeros((3, 2)))
    assert images.shape == (3, 28, 28)
    assert images.max() == 1.0 and images.min() == 0.0
    assert set(np.unique(images).tolist()) == {0.0, 1.0}


def test_clear_path_pair_measures_each_map_in_its_own_spread():
    """Two maps on scales 100 times apart that disagree on the longest path: in units of each map's
    spread the first map's long path (to image 2) wins; in raw units the second map would decide."""
    labels = np.array([0, 0, 1, 1])
    first = np.array([[0, 0], [0, 0], [10, 0], [1, 0]], dtype="float32")
    second = 100 * np.array([[0, 0], [0, 0], [1, 0], [1.2, 0]], dtype="float32")
    assert clear_path_pair([first, second], labels, 0, 1, steps=5) == (0, 2, 0)


def test_clear_path_pair_prefers_paths_that_cross_no_other_digit_then_the_longest():
    # digit 0 at x = 0, digit 1 at x = 10, a wall of digit 2 across y in [-1, 1] at x = 5: only
    # paths far above the wall avoid it. Two maps, the second a scaled copy.
    labels = np.array([0, 0, 0, 1, 1, 1] + [2] * 21)
    codes = np.array([[0, 0], [0, 10], [-1, 11], [10, 0], [10, 10], [11, 11]]
                     + [[5, y] for y in np.linspace(-1, 1, 21)], dtype="float32")
    a, b, crossings = clear_path_pair([codes, 2 * codes], labels, 0, 1, steps=21)
    assert (a, b, crossings) == (2, 5, 0)  # both above the wall; the longest of the clear paths
    a, b, crossings = clear_path_pair([codes], labels, 0, 1, candidates=1, steps=21)
    assert (a, b) == (0, 3) and crossings > 0  # only the pair through the wall is left
    with pytest.raises(ValueError):
        clear_path_pair([codes], labels, 0, 7)
    with pytest.raises(ValueError):
        clear_path_pair([codes[:5]], labels, 0, 1)


# --- the figure: slider values -> marker, decoded digits --------------------------------------

def test_show_point_decodes_at_the_point_and_moves_the_marker(explorer):
    decoded = explorer.show_point([(0.5, -1.0), (1.0, 2.0)])
    np.testing.assert_allclose(decoded[0], blob_decoder([0.5, -1.0]).reshape(28, 28), atol=1e-6)
    np.testing.assert_allclose(decoded[1], 1 - blob_decoder([1.0, 2.0]).reshape(28, 28), atol=1e-6)
    assert [tuple(np.ravel(m.get_data())) for m in explorer.markers] == [(0.5, -1.0), (1.0, 2.0)]
    np.testing.assert_allclose(explorer.images[0].get_array(), decoded[0])
    assert all(len(p.get_xdata()) == 0 for p in explorer.paths)  # no path in point mode
    with pytest.raises(ValueError):
        explorer.show_point([(0.0, 0.0)])  # one point per panel


def test_moving_a_slider_changes_the_rendered_digit_where_the_browser_test_looks(explorer):
    explorer.show_point([(0.0, 0.0), (0.0, 0.0)])
    before = explorer.png()
    explorer.show_point([(1.5, 0.0), (0.0, 0.0)])  # only panel 0 moves
    after = explorer.png()
    assert np.abs(_digit_crop(before, 0) - _digit_crop(after, 0)).mean() > 5  # grey levels 0-255
    assert np.abs(_digit_crop(before, 1) - _digit_crop(after, 1)).mean() < 1
    explorer.show_point([(1.5, 0.0), (0.0, 0.0)])
    assert explorer.png() == after  # the same point draws the same figure


def test_the_fixed_layout_keeps_maps_and_digits_apart():
    for (ml, mb, mw, mh), (dl, db, dw, dh) in zip(MAP_RECTS, DIGIT_RECTS):
        assert ml + mw + 0.03 < dl and dl + dw <= 1 and db + dh <= 1 and mb + mh <= 1


def test_show_path_puts_the_marker_on_the_line(explorer):
    starts, ends = [(0.0, 0.0), (-1.0, 1.0)], [(2.0, 2.0), (1.0, -1.0)]
    decoded = explorer.show_path(starts, ends, 0.25)
    assert tuple(np.ravel(explorer.markers[0].get_data())) == (0.5, 0.5)
    assert tuple(np.ravel(explorer.markers[1].get_data())) == (-0.5, 0.5)
    assert list(explorer.paths[0].get_xdata()) == [0.0, 2.0]
    np.testing.assert_allclose(decoded[0], blob_decoder([0.5, 0.5]).reshape(28, 28), atol=1e-6)
    end = explorer.show_path(starts, ends, 1.0)
    np.testing.assert_allclose(end[1], 1 - blob_decoder([1.0, -1.0]).reshape(28, 28), atol=1e-6)


def test_panel_checks_its_inputs():
    with pytest.raises(ValueError):
        Panel("x", blob_decoder, np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError):
        Panel("x", blob_decoder, np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError):
        LatentExplorer([])


# --- the widget's callbacks (no front end needed) ---------------------------------------------

def test_widget_slider_digit_picker_and_path_mode(explorer, data):
    labels, codes_a, codes_b = data
    box = explorer_widget(explorer, [codes_a, codes_b], labels, start=3, end=200)
    c = box.explorer_controls
    first = bytes(c["image"].value)
    assert first.startswith(b"\x89PNG")
    # starts at test image 3's codes (inside the slider range)
    assert c["sliders"][0][0].value == pytest.approx(codes_a[3, 0], abs=0.01)
    # moving one slider redraws with a different decoded digit
    c["sliders"][0][0].value = c["sliders"][0][0].min
    assert bytes(c["image"].value) != first
    assert tuple(np.ravel(explorer.markers[0].get_data()))[0] == pytest.approx(c["sliders"][0][0].min)
    # picking another test image jumps every panel to its code
    c["start"].value = 10
    for i, codes in enumerate((codes_a, codes_b)):
        assert [s.value for s in c["sliders"][i]] == pytest.approx(
            np.clip(codes[10], [s.min for s in c["sliders"][i]], [s.max for s in c["sliders"][i]]), abs=0.01)
    # path mode: t = 0 is the start's code, t = 1 the end's; the sliders follow and are locked
    c["mode"].value = "path"
    assert c["sliders"][0][0].disabled and not c["t"].disabled
    c["t"].value = 1.0
    np.testing.assert_allclose(np.ravel(explorer.markers[0].get_data()), codes_a[200], atol=1e-5)
    np.testing.assert_allclose(list(explorer.paths[1].get_xdata()), [codes_b[10, 0], codes_b[200, 0]], atol=1e-5)
    # picking another end in path mode redraws at once: the marker moves to the new end's code
    before = bytes(c["image"].value)
    c["end"].value = 50
    np.testing.assert_allclose(np.ravel(explorer.markers[0].get_data()), codes_a[50], atol=1e-5)
    np.testing.assert_allclose(list(explorer.paths[1].get_xdata()), [codes_b[10, 0], codes_b[50, 0]], atol=1e-5)
    assert bytes(c["image"].value) != before
    start, end = f"a {labels[10]}, test image 10", f"a {labels[50]}, test image 50"
    assert explorer.heading.get_text() == f"path mode: {start} -> {end}, t = 1.00"  # from start to end
    c["mode"].value = "point"
    assert not c["sliders"][0][0].disabled and c["t"].disabled
    np.testing.assert_allclose(np.ravel(explorer.markers[1].get_data()),
                               np.clip(codes_b[10], *zip(*explorer.panels[1].limits)), atol=0.01)


def test_widget_checks_its_inputs(explorer, data):
    labels, codes_a, _ = data
    with pytest.raises(ValueError):
        explorer_widget(explorer, [codes_a], labels)  # one array of codes per panel


# --- notebook 11's exercise checkers ----------------------------------------------------------

def test_check_path_model_builds_on_the_decoder(keras_decoder):
    z_a, z_b = np.array([-1.0, 0.5], "float32"), np.array([2.0, -1.5], "float32")

    def path_model(a, b, decoder=keras_decoder):
        t = keras.Input(shape=(1,))
        z = (1 - t) * a + t * b
        return keras.Model(t, decoder(z))

    assert checks.check_path_model(path_model(z_a, z_b), keras_decoder, z_a, z_b).passed
    backwards = checks.check_path_model(path_model(z_b, z_a), keras_decoder, z_a, z_b)
    assert not backwards.passed and "backwards" in backwards.message
    assert not checks.check_path_model(path_model(z_a, z_a), keras_decoder, z_a, z_b).passed
    # a near miss: the path stops 5% short of z_b; its images differ only slightly from the right ones
    short = path_model(z_a, z_a + 0.95 * (z_b - z_a))
    t = np.array([[0.0], [0.3], [0.7], [1.0]], "float32")
    gap = np.abs(short.predict(t, verbose=0) - path_model(z_a, z_b).predict(t, verbose=0)).max()
    assert 1e-3 < gap < 0.1, gap
    assert not checks.check_path_model(short, keras_decoder, z_a, z_b).passed
    t = keras.Input(shape=(1,))  # forgot the decoder: outputs codes
    assert not checks.check_path_model(keras.Model(t, (1 - t) * z_a + t * z_b), keras_decoder, z_a, z_b).passed
    # the decoder itself takes (batch, 2), not t
    assert not checks.check_path_model(keras_decoder, keras_decoder, z_a, z_b).passed
    for odd in (None, "model", np.zeros(3)):
        assert not checks.check_path_model(odd, keras_decoder, z_a, z_b).passed
    assert not checks.check_path_model(path_model(z_a, z_b), keras_decoder, None, "b").passed


# --- exercise 1 of 11: a walk around a circle ------------------------------------------------

from course_utils.checks.explorer import check_circle  # noqa: E402


def _circle_right(center, radius, n):
    angles = 2 * np.pi * np.arange(n) / n
    return center + radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def test_check_circle_accepts_the_answer():
    fb = check_circle(_circle_right)
    assert fb.passed, fb
    # a list of rows and float32 codes (as vae_test gives them) are fine too
    assert check_circle(lambda c, r, n: [list(row) for row in _circle_right(np.float32(c), r, n)]).passed


@pytest.mark.parametrize("name, fn, words", [
    ("linspace with the end included",
     lambda c, r, n: c + r * np.stack([np.cos(a := np.linspace(0, 2 * np.pi, n)), np.sin(a)], 1), ["repeats the first"]),
    ("one point too many", lambda c, r, n: _circle_right(c, r, n + 1)[np.r_[0:n, 0]], ["appears twice"]),
    ("degrees", lambda c, r, n: c + r * np.stack([np.cos(a := 360.0 * np.arange(n) / n), np.sin(a)], 1), ["radians"]),
    ("clockwise", lambda c, r, n: c + r * np.stack([np.cos(a := -2 * np.pi * np.arange(n) / n), np.sin(a)], 1),
     ["clockwise"]),
    ("centre forgotten", lambda c, r, n: _circle_right(np.zeros(2), r, n), ["add center"]),
    ("radius squared", lambda c, r, n: _circle_right(c, r ** 2, n), ["distance radius"]),
    ("diameter", lambda c, r, n: _circle_right(c, 2 * r, n), ["distance radius"]),
    ("transposed", lambda c, r, n: _circle_right(c, r, n).T, ["axis 1"]),
    ("starts at the top", lambda c, r, n: c + r * np.stack([np.cos(a := np.pi / 2 + 2 * np.pi * np.arange(n) / n),
                                                             np.sin(a)], 1), ["angle 0"]),
    ("random angles", lambda c, r, n: c + r * np.stack([np.cos(a := np.r_[0, np.sort(
        np.random.default_rng(0).uniform(0.1, 6.2, n - 1))]), np.sin(a)], 1), ["evenly"]),
    ("a straight line instead", lambda c, r, n: straight_line(c, c + r, n), ["distance radius"]),
])
def test_check_circle_rejects_plausible_mistakes(name, fn, words):
    fb = check_circle(fn)
    assert not fb.passed, name
    for w in words:
        assert w in fb.message, (name, fb.message)


@pytest.mark.parametrize("odd", [None, "circle", 3, [1, 2], lambda c, r, n: None, lambda c, r, n: "x",
                                 lambda c, r, n: 1 / 0, lambda: 0, lambda c, r, n: np.full((n, 2), np.nan),
                                 lambda c, r, n: np.zeros((3, 3, 3))])
def test_check_circle_odd_input_gets_feedback(odd):
    fb = check_circle(odd)  # never crashes
    assert not fb.passed and fb.message


def test_check_path_model_rejects_the_notebooks_own_models(keras_decoder):
    """Passing a model that already exists (the decoder, an autoencoder) instead of a new path model fails."""
    z_a, z_b = np.array([-1.0, 0.5], "float32"), np.array([2.0, -1.5], "float32")
    x = keras.Input((784,))
    code = keras.layers.Dense(2)(x)
    autoencoder = keras.Model(x, keras_decoder(code))
    assert not checks.check_path_model(autoencoder, keras_decoder, z_a, z_b).passed
    # another decoder (the plain autoencoder's instead of the VAE's) draws other images
    keras.utils.set_random_seed(1)
    z = keras.Input((2,))
    other = keras.Model(z, keras.layers.Dense(784, activation="sigmoid")(z))
    t = keras.Input(shape=(1,))
    wrong_decoder = keras.Model(t, other((1 - t) * z_a + t * z_b))
    fb = checks.check_path_model(wrong_decoder, keras_decoder, z_a, z_b)
    assert not fb.passed and "differ" in fb.message


def test_the_figure_text_names_each_maps_axes_and_the_point_decoded(data):
    """The map axes carry their panel's labels (not swapped), and each digit's title gives the point it
    was decoded at, (x, y) in the map's order."""
    labels, codes_a, codes_b = data
    explorer = LatentExplorer([Panel("model A", blob_decoder, codes_a, labels, xlabel="code[0]", ylabel="code[1]"),
                               Panel("model B", blob_decoder, codes_b, labels)])
    map_axes = [ax for ax in explorer.figure.axes if ax not in explorer.digit_axes]
    assert [(ax.get_xlabel(), ax.get_ylabel()) for ax in map_axes] == [("code[0]", "code[1]"), ("z[0]", "z[1]")]
    explorer.show_point([(0.5, -1.25), (2.0, 0.75)], heading="both at once")
    assert "(+0.50, -1.25)" in explorer.digit_axes[0].get_title()
    assert "(+2.00, +0.75)" in explorer.digit_axes[1].get_title()
    assert explorer.heading.get_text() == "both at once"
