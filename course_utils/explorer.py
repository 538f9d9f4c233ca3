"""The latent-space explorer of notebook 11: move a point on a 2-D map, watch the decoder's digit.

The logic is plain functions and one class, so it is tested without a browser:

- :func:`decode_points` -- decoder outputs for 2-D codes, as ``(n, 28, 28)`` images in [0, 1];
- :func:`straight_line` -- ``n`` codes evenly spaced from one code to another, both ends included;
- :func:`slider_limits` -- a slider range per latent axis from the codes of the test digits;
- :func:`zoom_with_outliers` -- zoom a scatter of codes on that range and mark the codes outside it;
- :func:`clear_path_pair` -- the rule that picks a pair of test digits whose straight path crosses
  few other digits;
- :class:`LatentExplorer` -- one matplotlib figure, per model a map of the test codes with a marker
  at the current point (and the path, in path mode) beside the digit decoded there;
  :meth:`LatentExplorer.show_point` / :meth:`LatentExplorer.show_path` map slider values to that
  figure and return the decoded images; :meth:`LatentExplorer.png` renders it (the still parts
  are drawn once and cached, so a redraw takes milliseconds) and :meth:`LatentExplorer.show`
  displays it statically;
- :func:`explorer_widget` -- the ipywidgets front end (sliders, a test-digit picker, path mode)
  around a :class:`LatentExplorer`, showing the same PNG as :meth:`LatentExplorer.show`.

The figure uses fixed axes positions (:data:`MAP_RECTS`, :data:`DIGIT_RECTS`, in figure
fractions), so the browser test knows where each decoded digit is drawn.
"""
from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from course_utils.plotting import plot_latent_scatter

#: Size of the explorer figure in inches (two models side by side).
FIGSIZE = (13.0, 4.6)
#: ``[left, bottom, width, height]`` of each model's map, in figure fractions (model 0, model 1).
MAP_RECTS = ((0.045, 0.13, 0.26, 0.76), (0.545, 0.13, 0.26, 0.76))
#: ``[left, bottom, width, height]`` of each model's decoded digit (square on the page).
DIGIT_RECTS = ((0.355, 0.30, 0.13, 0.13 * FIGSIZE[0] / FIGSIZE[1]),
               (0.855, 0.30, 0.13, 0.13 * FIGSIZE[0] / FIGSIZE[1]))
SIDE = 28


def _as_codes(codes, what: str = "codes") -> np.ndarray:
    z = np.asarray(codes, dtype=np.float32)
    if z.ndim == 1:
        z = z[None, :]
    if z.ndim != 2 or z.shape[1] != 2 or len(z) == 0:
        raise ValueError(f"{what} must be 2-D points, shape (2,) or (n, 2), got {np.shape(codes)}")
    if not np.all(np.isfinite(z)):
        raise ValueError(f"{what} must be finite numbers")
    return z


def decode_points(decoder: Callable, codes) -> np.ndarray:
    """Decode 2-D codes into images.

    Args:
        decoder: a Keras model (or any callable) mapping ``(n, 2)`` float32 codes to ``(n, 784)``
            or ``(n, 28, 28)`` pixel values. A Keras model is called directly
            (``decoder(z, training=False)``), which for a handful of points is much faster than
            ``predict``.
        codes: one point ``(2,)`` or points ``(n, 2)``.

    Returns:
        ``(n, 28, 28)`` float32 images clipped to [0, 1].
    """
    z = _as_codes(codes)
    try:
        out = decoder(z, training=False)
    except TypeError:  # a plain function without a training argument
        out = decoder(z)
    if hasattr(out, "numpy") or not isinstance(out, np.ndarray):
        import keras
        out = keras.ops.convert_to_numpy(out)
    out = np.asarray(out, dtype=np.float32)
    if out.size != len(z) * SIDE * SIDE:
        raise ValueError(f"the decoder returned shape {out.shape} for {len(z)} codes; "
                         f"expected ({len(z)}, {SIDE * SIDE}) or ({len(z)}, {SIDE}, {SIDE})")
    return np.clip(out.reshape(len(z), SIDE, SIDE), 0.0, 1.0)


def straight_line(z_a, z_b, n: int = 10) -> np.ndarray:
    """``n`` codes evenly spaced on the straight line from ``z_a`` to ``z_b``, both included.

    Row ``i`` is ``(1 - t) * z_a + t * z_b`` with ``t = i / (n - 1)``; shape ``(n, 2)``, float32.
    """
    if int(n) != n or n < 2:
        raise ValueError(f"n must be an integer of at least 2 (both ends), got {n!r}")
    a, b = _as_codes(z_a, "z_a")[0], _as_codes(z_b, "z_b")[0]
    t = np.linspace(0.0, 1.0, int(n), dtype=np.float32)[:, None]
    return ((1 - t) * a + t * b).astype(np.float32)


def point_on_line(z_a, z_b, t: float) -> np.ndarray:
    """The code at fraction ``t`` (0 = ``z_a``, 1 = ``z_b``) of the straight line, shape ``(2,)``."""
    t = float(t)
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"t must be between 0 and 1, got {t}")
    a, b = _as_codes(z_a, "z_a")[0], _as_codes(z_b, "z_b")[0]
    return ((1 - t) * a + t * b).astype(np.float32)


def slider_limits(codes, low: float = 0.5, high: float = 99.5, margin: float = 0.15
                  ) -> tuple[tuple[float, float], tuple[float, float]]:
    """A ``(min, max)`` range per latent axis for the sliders: the ``low``-``high`` percentiles of
    ``codes`` widened by ``margin`` of their span on each side, rounded outwards to 0.1."""
    z = _as_codes(codes)
    lo, hi = np.percentile(z, [low, high], axis=0)
    span = np.maximum(hi - lo, 1e-6)
    lo, hi = lo - margin * span, hi + margin * span
    return tuple((float(np.floor(a * 10) / 10), float(np.ceil(b * 10) / 10)) for a, b in zip(lo, hi))


def zoom_with_outliers(ax, codes, low: float = 0.5, high: float = 99.5, margin: float = 0.15,
                       limits=None, color: str = "0.25") -> int:
    """Zoom ``ax`` on the bulk of ``codes`` (the :func:`slider_limits` box: the ``low``-``high``
    percentiles per axis, widened by ``margin`` of their span) and mark every code outside that box
    with a small ``x`` at the nearest point of the box's edge, so that no point silently disappears.
    A note in the lower left corner says how many were moved (none: no note). ``limits``
    ``((x0, x1), (y0, y1))``, if given, is the box instead.

    Returns:
        how many codes lie outside the box.
    """
    z = _as_codes(codes)
    (x0, x1), (y0, y1) = slider_limits(z, low, high, margin) if limits is None else limits
    outside = (z[:, 0] < x0) | (z[:, 0] > x1) | (z[:, 1] < y0) | (z[:, 1] > y1)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    count = int(outside.sum())
    if count:
        edge = np.column_stack([np.clip(z[outside, 0], x0, x1), np.clip(z[outside, 1], y0, y1)])
        ax.scatter(edge[:, 0], edge[:, 1], marker="x", s=14, c=color, linewidths=0.8, clip_on=False,
                   zorder=3, label="_outside")
        ax.text(0.01, 0.01, f"x: {count} point{'s' if count > 1 else ''} outside this view, "
                "drawn at its edge", transform=ax.transAxes, fontsize=7, color=color, ha="left",
                va="bottom")
    return count


def clear_path_pair(codes_per_map: Sequence, labels, digit_a: int, digit_b: int, candidates: int = 30,
                    steps: int = 20) -> tuple[int, int, int]:
    """Notebook 11's rule for a straight path that a student can follow from a ``digit_a`` to a
    ``digit_b``.

    Among the first ``candidates`` images of each digit (in the order of ``labels``), every pair's
    straight path is cut into ``steps`` evenly spaced points (both ends included) on every map of
    ``codes_per_map``; a point *crosses another digit* when its nearest code on that map belongs to
    neither digit. The pair with the fewest crossings over all maps wins; among equals, the one with
    the longest path (each map's length in units of the standard deviation of its codes, summed),
    so that the walk shows a real morph rather than two near-identical images.

    Returns:
        ``(index_a, index_b, crossings)``: indices into ``labels``, and the winner's crossings summed
        over the maps (out of ``steps * len(codes_per_map)`` points).
    """
    from sklearn.neighbors import NearestNeighbors

    labels = np.asarray(labels)
    maps = [_as_codes(c, "codes") for c in codes_per_map]
    if not maps or any(len(c) != len(labels) for c in maps):
        raise ValueError("pass one (N, 2) array of codes per map, N = len(labels)")
    if int(steps) != steps or steps < 2 or int(candidates) != candidates or candidates < 1:
        raise ValueError("steps must be an integer >= 2 and candidates an integer >= 1")
    first_a = np.flatnonzero(labels == digit_a)[:candidates]
    first_b = np.flatnonzero(labels == digit_b)[:candidates]
    if len(first_a) == 0 or len(first_b) == 0:
        raise ValueError(f"no image of digit {digit_a if len(first_a) == 0 else digit_b} among the labels")
    t = np.linspace(0.0, 1.0, int(steps))[None, None, :, None]
    crossings = np.zeros((len(first_a), len(first_b)), dtype=int)
    length = np.zeros((len(first_a), len(first_b)))
    for codes in maps:
        za, zb = codes[first_a][:, None, None, :], codes[first_b][None, :, None, :]
        points = ((1 - t) * za + t * zb).reshape(-1, 2)
        nearest = NearestNeighbors(n_neighbors=1).fit(codes).kneighbors(points, return_distance=False)[:, 0]
        digits = labels[nearest].reshape(len(first_a), len(first_b), int(steps))
        crossings += ((digits != digit_a) & (digits != digit_b)).sum(axis=2)
        length += np.linalg.norm(za - zb, axis=-1)[:, :, 0] / codes.std()
    best = np.lexsort((-length.ravel(), crossings.ravel()))[0]  # fewest crossings, then longest
    i, j = np.unravel_index(best, crossings.shape)
    return int(first_a[i]), int(first_b[j]), int(crossings[i, j])


@dataclass
class Panel:
    """One model of the explorer: its decoder and the codes of the test digits in its space."""

    name: str
    decoder: Callable
    codes: np.ndarray
    labels: np.ndarray
    xlabel: str = "z[0]"
    ylabel: str = "z[1]"

    def __post_init__(self):
        self.codes = _as_codes(self.codes, f"{self.name}: codes")
        self.labels = np.asarray(self.labels)
        if self.labels.shape != (len(self.codes),):
            raise ValueError(f"{self.name}: labels must have shape ({len(self.codes)},), got {self.labels.shape}")
        self.limits = slider_limits(self.codes)


class LatentExplorer:
    """The explorer's figure: per panel (model), a map of test codes with a marker, and the
    digit decoded at the marker.

    Args:
        panels: one or two :class:`Panel` objects, drawn left to right.
        max_points: at most this many test codes are scattered per map (a random subset, the same
            on every run), which keeps a redraw fast.
    """

    def __init__(self, panels: Sequence[Panel], max_points: int = 5000, dpi: int = 72):
        if not 1 <= len(panels) <= len(MAP_RECTS):
            raise ValueError(f"pass 1 or {len(MAP_RECTS)} panels, got {len(panels)}")
        self.panels = list(panels)
        self.figure = Figure(figsize=FIGSIZE, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self._background = None  # the still parts (maps, labels), rendered once
        self.heading = self.figure.text(0.5, 0.975, "", ha="center", va="top", fontsize=11)
        self.markers, self.paths, self.images, self.digit_axes = [], [], [], []
        for i, panel in enumerate(self.panels):
            ax = self.figure.add_axes(MAP_RECTS[i])
            keep = np.random.default_rng(i).permutation(len(panel.codes))[:max_points]
            with warnings.catch_warnings():  # plot_latent_scatter's tight_layout skips fixed axes
                warnings.simplefilter("ignore", UserWarning)
                plot_latent_scatter(panel.codes[keep], panel.labels[keep], ax=ax, point_size=3,
                                    title=f"{panel.name}: test digits", xlabel=panel.xlabel,
                                    ylabel=panel.ylabel)
            zoom_with_outliers(ax, panel.codes[keep], limits=panel.limits)  # the sliders' box
            (path,) = ax.plot([], [], "-", color="black", lw=1.5, alpha=0.8, zorder=4)
            (marker,) = ax.plot([0], [0], marker="o", markersize=13, markerfacecolor="none",
                                markeredgecolor="black", markeredgewidth=2.5, linestyle="", zorder=5)
            ax_digit = self.figure.add_axes(DIGIT_RECTS[i])
            image = ax_digit.imshow(np.zeros((SIDE, SIDE)), cmap="gray", vmin=0, vmax=1)
            ax_digit.set_xticks([])
            ax_digit.set_yticks([])
            self.markers.append(marker)
            self.paths.append(path)
            self.images.append(image)
            self.digit_axes.append(ax_digit)
        # What moves is drawn on top of a cached background (blitting): a redraw costs milliseconds.
        self._moving = [*self.paths, *self.markers, *self.images, *(ax.title for ax in self.digit_axes),
                        self.heading]
        for artist in self._moving:
            artist.set_animated(True)

    def _points(self, points) -> list[np.ndarray]:
        if len(points) != len(self.panels):
            raise ValueError(f"pass one point per panel ({len(self.panels)}), got {len(points)}")
        return [_as_codes(p, f"{panel.name}: point")[0] for p, panel in zip(points, self.panels)]

    def _draw(self, points: list[np.ndarray], heading: str) -> list[np.ndarray]:
        decoded = []
        for panel, z, marker, image, ax in zip(self.panels, points, self.markers, self.images,
                                               self.digit_axes):
            img = decode_points(panel.decoder, z)[0]
            marker.set_data([z[0]], [z[1]])
            image.set_data(img)
            ax.set_title(f"decoded by the {panel.name}\nat ({z[0]:+.2f}, {z[1]:+.2f})", fontsize=10)
            decoded.append(img)
        self.heading.set_text(heading)
        return decoded

    def show_point(self, points, heading: str = "") -> list[np.ndarray]:
        """Move each panel's marker to its point ``(2,)`` and decode there (no path drawn).

        Returns:
            the decoded images, one ``(28, 28)`` array per panel.
        """
        for path in self.paths:
            path.set_data([], [])
        return self._draw(self._points(points), heading)

    def show_path(self, starts, ends, t: float, heading: str = "") -> list[np.ndarray]:
        """Path mode: draw the straight line from ``starts[i]`` to ``ends[i]`` on each map, put the
        marker at fraction ``t`` of it and decode there. Returns the decoded images."""
        starts, ends = self._points(starts), self._points(ends)
        for path, a, b in zip(self.paths, starts, ends):
            path.set_data([a[0], b[0]], [a[1], b[1]])
        return self._draw([point_on_line(a, b, t) for a, b in zip(starts, ends)], heading)

    def render(self) -> np.ndarray:
        """The figure as an RGB array ``(height, width, 3)``: the cached still parts, then what moves."""
        if self._background is None:
            self.canvas.draw()  # moving (animated) artists are left out of this full draw
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self._background)
        for artist in self._moving:
            self.figure.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())[..., :3].copy()

    def png(self) -> bytes:
        """The figure as PNG bytes: what the widget shows, and the static figure of the notebook."""
        buffer = io.BytesIO()
        Image.fromarray(self.render()).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def show(self) -> None:
        """Display the figure in the notebook as a static image."""
        from IPython.display import Image as IPythonImage, display
        display(IPythonImage(self.png()))


def explorer_widget(explorer: LatentExplorer, test_codes: Sequence[np.ndarray], labels: np.ndarray,
                    start: int = 0, end: int = 1):
    """The interactive front end: two sliders per model, a test-digit picker, and a path mode.

    Args:
        explorer: the figure to drive.
        test_codes: per panel, the codes of ALL test images ``(N, 2)`` (index = test image number).
        labels: ``(N,)`` digits of the test images.
        start, end: test image numbers the widget starts from (point mode: ``start``; path mode:
            from ``start`` to ``end``).

    Returns:
        an ``ipywidgets.VBox``; its ``.explorer_controls`` dict holds the sliders and pickers by name.
    """
    import ipywidgets as widgets

    test_codes = [_as_codes(c, "test codes") for c in test_codes]
    labels = np.asarray(labels)
    n = len(labels)
    if any(len(c) != n for c in test_codes) or len(test_codes) != len(explorer.panels):
        raise ValueError("pass one (N, 2) array of test codes per panel, N = len(labels)")
    layout = widgets.Layout(width="420px")
    sliders = []
    for i, panel in enumerate(explorer.panels):
        pair = []
        for axis in range(2):
            lo, hi = panel.limits[axis]
            s = widgets.FloatSlider(value=float(np.clip(test_codes[i][start, axis], lo, hi)), min=lo, max=hi,
                                    step=0.01, description=f"{panel.name} z[{axis}]", readout_format="+.2f",
                                    continuous_update=True, layout=layout,
                                    style={"description_width": "150px"})
            s.add_class(f"explorer-slider-{i}-{axis}")
            pair.append(s)
        sliders.append(pair)
    pick_a = widgets.BoundedIntText(value=start, min=0, max=n - 1, description="test image",
                                    layout=widgets.Layout(width="200px"))
    pick_b = widgets.BoundedIntText(value=end, min=0, max=n - 1, description="path to",
                                    layout=widgets.Layout(width="200px"))
    mode = widgets.ToggleButtons(options=["point", "path"], value="point", description="mode")
    t_slider = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.02, description="along path",
                                   continuous_update=True, layout=layout, disabled=True)
    t_slider.add_class("explorer-path-t")
    image = widgets.Image(value=b"", format="png", layout=widgets.Layout(width="100%", max_width="1000px"))
    image.add_class("explorer-figure")
    busy = {"moving_sliders": False}

    def digit_name(k: int) -> str:
        return f"a {int(labels[k])}, test image {k}"

    def redraw(*_):
        if busy["moving_sliders"]:
            return
        a, b = pick_a.value, pick_b.value
        if mode.value == "point":
            points = [(p[0].value, p[1].value) for p in sliders]
            explorer.show_point(points, heading=f"point mode: started from {digit_name(a)}")
        else:
            starts = [c[a] for c in test_codes]
            ends = [c[b] for c in test_codes]
            explorer.show_path(starts, ends, t_slider.value,
                               heading=f"path mode: {digit_name(a)} -> {digit_name(b)}, t = {t_slider.value:.2f}")
            busy["moving_sliders"] = True  # show where the path point is, without redrawing 4 times
            try:
                for pair, s, e in zip(sliders, starts, ends):
                    z = point_on_line(s, e, t_slider.value)
                    for axis in range(2):
                        pair[axis].value = float(np.clip(z[axis], pair[axis].min, pair[axis].max))
            finally:
                busy["moving_sliders"] = False
        image.value = explorer.png()

    def jump_to_digit(*_):
        busy["moving_sliders"] = True
        try:
            for pair, codes in zip(sliders, test_codes):
                for axis in range(2):
                    pair[axis].value = float(np.clip(codes[pick_a.value, axis], pair[axis].min, pair[axis].max))
        finally:
            busy["moving_sliders"] = False
        redraw()

    def switch_mode(*_):
        path = mode.value == "path"
        t_slider.disabled = not path
        for pair in sliders:
            for s in pair:
                s.disabled = path
        if not path:
            jump_to_digit()
        else:
            redraw()

    for pair in sliders:
        for s in pair:
            s.observe(redraw, names="value")
    pick_a.observe(jump_to_digit, names="value")
    pick_b.observe(redraw, names="value")
    t_slider.observe(redraw, names="value")
    mode.observe(switch_mode, names="value")
    redraw()

    slider_rows = widgets.HBox([widgets.VBox(pair) for pair in sliders])
    box = widgets.VBox([widgets.HBox([pick_a, pick_b, mode]), slider_rows, t_slider, image])
    box.add_class("latent-explorer")
    box.explorer_controls = {"sliders": sliders, "start": pick_a, "end": pick_b, "mode": mode,
                             "t": t_slider, "image": image, "redraw": redraw}
    return box


__all__ = ["DIGIT_RECTS", "MAP_RECTS", "LatentExplorer", "Panel", "clear_path_pair", "decode_points",
           "explorer_widget", "point_on_line", "slider_limits", "straight_line", "zoom_with_outliers"]
