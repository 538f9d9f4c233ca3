"""Every figure of the course. Each function checks its inputs and returns the Figure.

In a notebook, end the cell with ``plt.show()`` to display it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.patheffects as patheffects
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

DIGIT_COLORS = plt.get_cmap("tab10").colors  # 10 distinct colours, one per digit: RGB tuples in [0, 1]


def _as_images(x: np.ndarray, what: str) -> np.ndarray:
    """Return ``x`` as a float array of square images ``(N, side, side)``."""
    x = np.asarray(x)
    if x.ndim == 2:
        side = int(round(np.sqrt(x.shape[1])))
        if side * side != x.shape[1]:
            raise ValueError(f"{what}: rows of {x.shape[1]} pixels are not square images; "
                             "pass (N, 28, 28) images or (N, 784) rows")
        x = x.reshape(len(x), side, side)
    if x.ndim != 3 or len(x) == 0:
        raise ValueError(f"{what}: expected images (N, 28, 28) or rows (N, 784) with N >= 1, "
                         f"got shape {x.shape}")
    return x


def _hide_axes(ax: Axes) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


def plot_digits(images: np.ndarray, labels: Sequence | None = None, n_cols: int = 10,
                title: str | None = None, cell_size: float = 1.0) -> Figure:
    """Show images in a grid, ``n_cols`` per row (row by row), optionally captioned with ``labels``.

    Every image is drawn on the same fixed grey scale, 0 (black) to 1 (white), so a faint or
    washed-out image looks faint instead of being stretched to full contrast.

    Args:
        images: ``(N, 28, 28)`` or ``(N, 784)``; grey levels in [0, 1], dark background.
        labels: one caption per image (digits, errors...), drawn as its axes title, or None.
        n_cols: images per row.
        title: figure title.
        cell_size: inches per image.

    Returns:
        The Figure: ``ceil(N / n_cols) * n_cols`` axes, row by row; axes ``i < N`` hold image ``i``.
    """
    images = _as_images(images, "images")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"got {len(labels)} labels for {len(images)} images; pass one per image")
    if n_cols < 1:
        raise ValueError(f"n_cols must be at least 1, got {n_cols}")
    n_cols = min(n_cols, len(images))
    n_rows = int(np.ceil(len(images) / n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(cell_size * n_cols, cell_size * n_rows * 1.15),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        _hide_axes(ax)
        if i < len(images):
            ax.imshow(images[i], cmap="gray", vmin=0, vmax=1)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
        else:
            ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_image_rows(rows: dict[str, np.ndarray], n: int = 10, title: str | None = None,
                    captions: Sequence | None = None) -> Figure:
    """Rows of images, one row per entry of ``rows`` (row name -> images), ``n`` columns.

    Rows are drawn top to bottom in the order of ``rows``, each labelled with its name on the left;
    column ``j`` holds image ``j`` of every row. Every image is drawn on the fixed grey scale
    0 (black) to 1 (white), as in :func:`plot_digits`: values outside [0, 1] (a linear decoder's
    or PCA's overshoot) show as black or white rather than dimming every other image.

    Args:
        rows: e.g. ``{"original": x, "autoencoder": r1, "PCA": r2}``; each ``(N, 28, 28)`` or
            ``(N, 784)`` with the same N >= n, grey levels in [0, 1].
        n: how many columns (images per row) to show: the first ``n`` images of each row.
        title: figure title.
        captions: optional text above each of the ``n`` columns (a label, an error...).

    Returns:
        The Figure: ``len(rows) * n`` axes, row by row.
    """
    if not rows:
        raise ValueError("rows is empty: pass a dict such as {'original': x, 'reconstruction': r}")
    images = {name: _as_images(x, name) for name, x in rows.items()}
    shapes = {x.shape for x in images.values()}
    if len(shapes) != 1:
        raise ValueError(f"all rows must have the same shape, got {[x.shape for x in images.values()]}")
    count = len(next(iter(images.values())))
    if not 1 <= n <= count:
        raise ValueError(f"n={n} must be between 1 and the number of images ({count})")
    if captions is not None and len(captions) != n:
        raise ValueError(f"got {len(captions)} captions for n={n} columns; pass one per column")
    height = 1.1 * len(images) + (0.25 if captions is not None else 0.1)
    fig, axes = plt.subplots(len(images), n, figsize=(n * 1.0, height), squeeze=False)
    for row, (name, x) in enumerate(images.items()):
        for j in range(n):
            axes[row, j].imshow(x[j], cmap="gray", vmin=0, vmax=1)
            _hide_axes(axes[row, j])
        axes[row, 0].set_ylabel(name, fontsize=9)
    if captions is not None:
        for j in range(n):
            axes[0, j].set_title(str(captions[j]), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_reconstructions(originals: np.ndarray, reconstructions: np.ndarray, n: int = 10,
                         title: str | None = None,
                         row_labels: tuple[str, str] = ("original", "reconstruction"),
                         captions: Sequence | None = None) -> Figure:
    """The original lesson's figure: ``n`` originals (top row) over their reconstructions.

    Args:
        originals, reconstructions: ``(N, 28, 28)`` or ``(N, 784)``, same shape, N >= n, grey
            levels in [0, 1] (drawn on that fixed scale, see :func:`plot_image_rows`).
        n: how many columns (digits) to show.
        title: figure title.
        row_labels: captions of the two rows (top, bottom).
        captions: optional text above each of the ``n`` columns (a label, an error...).

    Returns:
        The Figure: ``2 * n`` axes, the ``n`` originals first.
    """
    return plot_image_rows({row_labels[0]: originals, row_labels[1]: reconstructions}, n=n,
                           title=title, captions=captions)


def plot_history(history: Any, metric: str = "loss", title: str | None = None,
                 log_scale: bool = False) -> Figure:
    """Training curves from a Keras ``History`` (or its ``.history`` dict): train and validation.

    Args:
        history: ``model.fit(...)``'s return value, or a dict ``{"loss": [...], "val_loss": [...]}``
            with one value per epoch.
        metric: which metric to draw; ``val_<metric>`` is drawn too when present.
        title: axes title.
        log_scale: use a logarithmic y axis.

    Returns:
        The Figure: x is the epoch (1, 2, ...), y the metric; the training line first (circles),
        then the validation line (squares, dashed).
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or metric not in logs or len(logs[metric]) == 0:
        keys = sorted(logs) if isinstance(logs, dict) else type(history).__name__
        raise ValueError(f"history has no values for {metric!r} (it has {keys}); "
                         "pass the History returned by model.fit")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    epochs = np.arange(1, len(logs[metric]) + 1)
    ax.plot(epochs, logs[metric], "o-", label=f"training {metric}")
    if f"val_{metric}" in logs:
        ax.plot(epochs, logs[f"val_{metric}"], "s--", label=f"validation {metric}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    if log_scale:
        ax.set_yscale("log")
    ax.set_title(title or f"{metric} per epoch")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def plot_latent_scatter(codes: np.ndarray, labels: np.ndarray, ax: Axes | None = None,
                        title: str | None = None, xlabel: str = "code[0]", ylabel: str = "code[1]",
                        point_size: float = 2.0, alpha: float = 0.35, label_centroids: bool = True,
                        legend: bool = True, seed: int = 0, zoom: float | None = None,
                        margin: float = 0.1) -> Figure:
    """Scatter 2-D codes coloured by digit (tab10), with a legend of the 10 colours.

    The points are drawn in a random order (not digit by digit, which would bury the early
    digits under the late ones) and with some transparency, so overlapping digits stay visible;
    each digit's label is written at its centroid (the median point of that digit), nudged apart
    from the others where two labels would overlap (see :func:`spread_labels`).

    Args:
        codes: ``(N, 2)`` points in code units: column 0 on x, column 1 on y.
        labels: ``(N,)`` digits 0-9; point ``i`` gets the colour ``DIGIT_COLORS[labels[i]]``.
        ax: draw into this Axes (e.g. one panel of a side-by-side figure); a new figure if None.
        title, xlabel, ylabel: text of the axes.
        point_size: marker area in points^2.
        alpha: opacity of each point (0-1).
        label_centroids: write each digit at its centroid.
        legend: draw the legend of the 10 colours (side-by-side panels may need only one).
        seed: seed of the drawing order (the figure is the same on every run).
        zoom: None to show every point (matplotlib's own limits); or the share of points, on
            each axis, that sets the view: e.g. 0.99 takes the limits from the 0.5th and 99.5th
            percentiles, so a few far-flung codes do not squeeze the digits into a corner. The
            view is widened by ``margin`` of that span on each side; a point beyond it is drawn
            as a triangle on the edge it lies past (pointing outwards, in its digit's colour,
            on the axis where it lies further out), and a legend entry counts them.
        margin: with ``zoom``, the share of the percentile span added on each side.

    Returns:
        The Figure that holds the axes. With ``zoom``, the points inside the view are its first
        collection, the edge triangles the next ones (one per edge that has any).
    """
    codes = np.asarray(codes)
    labels = np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"codes must be 2-D points of shape (N, 2), got {codes.shape}")
    if labels.shape != (len(codes),):
        raise ValueError(f"labels must have shape ({len(codes)},), got {labels.shape}")
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], got {alpha}")
    if zoom is not None and not 0 < zoom <= 1:
        raise ValueError(f"zoom must be None or a share in (0, 1], e.g. 0.99, got {zoom}")
    if margin < 0:
        raise ValueError(f"margin must be 0 or more, got {margin}")
    digits = labels.astype(int)
    if len(digits) and (digits.min() < 0 or digits.max() > 9 or not np.array_equal(digits, labels)):
        raise ValueError("labels must be digits 0-9")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5.5))
    order = np.random.default_rng(seed).permutation(len(codes))
    low, high = (codes.min(axis=0), codes.max(axis=0)) if len(codes) else (np.zeros(2), np.ones(2))
    outside = np.zeros(len(codes), dtype=bool)
    if zoom is not None and len(codes):
        q_low, q_high = np.quantile(codes, [(1 - zoom) / 2, (1 + zoom) / 2], axis=0)
        span = np.where(q_high > q_low, q_high - q_low, 1.0)
        low, high = q_low - margin * span, q_high + margin * span
        outside = ((codes < low) | (codes > high)).any(axis=1)
    inside = order[~outside[order]]
    ax.scatter(codes[inside, 0], codes[inside, 1], s=point_size, c=np.asarray(DIGIT_COLORS)[digits[inside]],
               alpha=alpha, linewidths=0, rasterized=True)
    edge_handles = []
    if zoom is not None:
        _mark_outside(ax, codes[order[outside[order]]], digits[order[outside[order]]], low, high)
        ax.set_xlim(low[0], high[0])
        ax.set_ylim(low[1], high[1])
        n_out = int(outside.sum())
        edge_handles = [plt.Line2D([], [], marker=">", linestyle="", color="0.4", markersize=6,
                                   label=f"{n_out} beyond the view\n({100 * n_out / len(codes):.1f}%), "
                                         "on its edge" if len(codes) else "0 beyond the view")]
    if legend:
        handles = [plt.Line2D([], [], marker="o", linestyle="", color=DIGIT_COLORS[d], markersize=6,
                              label=str(d)) for d in range(10)]
        ax.legend(handles=handles + edge_handles, title="digit", fontsize=8, loc="center left",
                  bbox_to_anchor=(1.03 if zoom is not None else 1.0, 0.5), frameon=False)  # clear of edge marks
    elif edge_handles:
        ax.legend(handles=edge_handles, fontsize=8, loc="lower right", framealpha=0.8)
    if label_centroids and len(digits):
        present = np.unique(digits)
        centroids = np.array([np.median(codes[digits == d], axis=0) for d in present])
        for d, (cx, cy) in zip(present, spread_labels(centroids, low, high)):
            ax.text(cx, cy, str(d), fontsize=13, fontweight="bold", ha="center", va="center",
                    color=DIGIT_COLORS[d], path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.figure.tight_layout()
    return ax.figure


def _mark_outside(ax: Axes, codes: np.ndarray, digits: np.ndarray, low: np.ndarray, high: np.ndarray) -> None:
    """Draw each code beyond the box ``[low, high]`` as a triangle on the edge it lies past,
    pointing outwards, in its digit's colour; a code past two edges (a corner) goes to the edge
    it lies further past, in units of the box's span. One collection per edge that has any."""
    if not len(codes):
        return
    span = np.where(high > low, high - low, 1.0)
    excess = np.maximum(low - codes, codes - high) / span  # > 0 on the axes the code is past
    axis = excess.argmax(axis=1)  # 0: past the left or right edge, 1: past the bottom or top
    past_high = codes[np.arange(len(codes)), axis] > high[axis]
    where = np.clip(codes, low, high)
    for marker, on_axis, is_high in ((">", 0, True), ("<", 0, False), ("^", 1, True), ("v", 1, False)):
        pick = (axis == on_axis) & (past_high == is_high)
        if pick.any():
            ax.scatter(where[pick, 0], where[pick, 1], s=30, marker=marker,
                       c=np.asarray(DIGIT_COLORS)[digits[pick]], edgecolors="black", linewidths=0.5,
                       clip_on=False, zorder=3)


def spread_labels(positions: np.ndarray, low: np.ndarray, high: np.ndarray, min_gap: float = 0.06,
                  n_steps: int = 200) -> np.ndarray:
    """Move label positions apart until no two are closer than ``min_gap`` of the plotted span.

    Distances are measured in units of the span ``high - low`` along each axis, so a gap means the
    same on a wide and on a tall plot. Each step pushes every too-close pair apart along the line
    joining them (along x if they coincide), by half the missing distance each; labels stay inside
    ``[low, high]``. Labels that are far enough apart do not move.

    Args:
        positions: ``(n, 2)`` label positions in data units, e.g. the medians of each digit's codes.
        low, high: ``(2,)`` lower and upper corner of the plotted data.
        min_gap: smallest allowed distance between two labels, as a fraction of the span (0-1).
        n_steps: most push steps (a handful usually suffice).

    Returns:
        ``(n, 2)`` positions in data units.
    """
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    span = np.where(high > low, high - low, 1.0)
    unit = (np.asarray(positions, dtype=float) - low) / span
    for _ in range(n_steps):
        moved = False
        for i in range(len(unit)):
            for j in range(i + 1, len(unit)):
                gap = unit[j] - unit[i]
                distance = np.hypot(*gap)
                if distance >= min_gap:
                    continue
                direction = gap / distance if distance > 1e-9 else np.array([1.0, 0.0])
                push = direction * (min_gap - distance) / 2 * 1.01
                unit[i] -= push
                unit[j] += push
                moved = True
        unit = np.clip(unit, 0.0, 1.0)
        if not moved:
            break
    return low + unit * span


def plot_manifold(decode: Callable[[np.ndarray], np.ndarray], x_range: tuple[float, float],
                  y_range: tuple[float, float], n: int = 15, title: str | None = None,
                  xlabel: str = "code[0]", ylabel: str = "code[1]") -> Figure:
    """Decode a regular ``n`` x ``n`` grid of 2-D points and tile the images.

    Code ``z = (z0, z1)`` is decoded into the tile centred on ``(z0, z1)`` in axis units: ``z0``
    grows to the right, ``z1`` upwards, and each image is upright inside its tile. The axis
    extends half a tile beyond ``x_range`` and ``y_range``, so the outer tiles' centres sit on the
    ends of the ranges. Grey levels are drawn on the fixed scale 0 (black) to 1 (white).

    Args:
        decode: maps points ``(n*n, 2)`` (float32) to images ``(n*n, 784)`` or ``(n*n, 28, 28)``
            with grey levels in [0, 1], e.g. ``lambda z: decoder.predict(z, verbose=0)``.
        x_range, y_range: ``(low, high)`` of the grid in code units; the top row is ``high`` in y.
        n: points per side.
        title, xlabel, ylabel: text of the axes (``xlabel`` names ``z0``, ``ylabel`` ``z1``).

    Returns:
        The Figure: one axes holding one image, ``(n * side, n * side)`` pixels.
    """
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    for name, (lo, hi) in (("x_range", x_range), ("y_range", y_range)):
        if not lo < hi:
            raise ValueError(f"{name} must be (low, high) with low < high, got {(lo, hi)}")
    xs = np.linspace(*x_range, n)
    ys = np.linspace(*y_range, n)[::-1]
    grid = np.array([[x, y] for y in ys for x in xs], dtype=np.float32)
    images = _as_images(decode(grid), "decoded images")
    if len(images) != n * n:
        raise ValueError(f"decode returned {len(images)} images for {n * n} points")
    side = images.shape[1]
    canvas = images.reshape(n, n, side, side).transpose(0, 2, 1, 3).reshape(n * side, n * side)
    half_x = (x_range[1] - x_range[0]) / (n - 1) / 2  # half a tile, in code units
    half_y = (y_range[1] - y_range[0]) / (n - 1) / 2
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.imshow(canvas, cmap="gray", vmin=0, vmax=1, origin="upper", aspect="auto",
              extent=(x_range[0] - half_x, x_range[1] + half_x, y_range[0] - half_y, y_range[1] + half_y))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or f"decoder outputs on a {n}x{n} grid of codes")
    fig.tight_layout()
    return fig


def plot_histograms(values: dict[str, np.ndarray], bins: int = 50, xlabel: str = "value",
                    title: str | None = None, value_range: tuple[float, float] | None = None) -> Figure:
    """One histogram panel per entry of ``values`` (name -> array of any shape), side by side.

    The y axis is the share of values in each bin (0-1), so panels of different sizes compare:
    each bar's height is (values in the bin) / (all values of that entry), and a panel's heights
    sum to 1 (less only when ``value_range`` leaves values out; they still count in the total).

    Args:
        values: panel title -> values, any shape (flattened); panels left to right in this order.
        bins: number of equal-width bins per panel.
        xlabel: x-axis label of every panel (the values' unit).
        title: figure title.
        value_range: ``(low, high)`` of the bins; by default each panel's own min and max.

    Returns:
        The Figure: one axes per entry.
    """
    if not values:
        raise ValueError("values is empty: pass a dict such as {'glorot': array, 'normal': array}")
    fig, axes = plt.subplots(1, len(values), figsize=(4.2 * len(values), 3.2), squeeze=False)
    for ax, (name, v) in zip(axes[0], values.items()):
        v = np.asarray(v, dtype=np.float64).ravel()
        if v.size == 0:
            raise ValueError(f"values[{name!r}] is empty")
        ax.hist(v, bins=bins, range=value_range, weights=np.full(v.size, 1 / v.size))
        ax.set_title(name)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("share of values")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_per_digit(values: Sequence[float], ylabel: str, title: str | None = None) -> Figure:
    """Bar chart of one value per digit 0-9 (e.g. mean reconstruction error), in the digit colours.

    Args:
        values: ``(10,)``, the value of digit 0 first; bar ``d`` sits at x = d with height
            ``values[d]`` and colour ``DIGIT_COLORS[d]``.
        ylabel: y-axis label (the values' meaning and unit).
        title: axes title.

    Returns:
        The Figure.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (10,):
        raise ValueError(f"need one value per digit, shape (10,), got {values.shape}")
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.bar(np.arange(10), values, color=DIGIT_COLORS)
    ax.set_xticks(np.arange(10))
    ax.set_xlabel("digit")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_codes(codes: np.ndarray, labels: Sequence | None = None, title: str | None = None,
               sort_units: bool = False, ylabel: str | None = None, centered: bool = False) -> Figure:
    """Heat map of code vectors: one row per image ``(N, code_size)``, one column per code unit.

    Row ``i`` of ``codes`` is drawn as the ``i``-th row from the top, with ``labels[i]`` on its left.
    The colour scale is fixed by the data, not left to matplotlib: from ``min(0, lowest value)``
    to the highest value (viridis), so a unit at 0 (an inactive ReLU) is the darkest colour of
    non-negative codes; with ``centered``, from ``-m`` to ``m`` (``m`` the largest absolute
    difference), so white means 0.

    Args:
        codes: ``(N, code_size)``, e.g. codes of a few images or the mean code of each digit.
        labels: one row label per code (digits...), or None for row numbers.
        title: axes title.
        sort_units: reorder the columns so that units most active for the same row sit together
            (grouped by the row where each unit is highest, strongest first); the x axis then
            says "code unit (sorted)".
        ylabel: y-axis label (default: "digit" with labels, else "image").
        centered: draw each unit's difference from its mean over the rows, on a red-blue scale
            centred at 0 (what makes one row, e.g. one digit, different from the others).

    Returns:
        The Figure: the heat map's axes first, then its colour bar.
    """
    codes = np.asarray(codes, dtype=np.float64)
    if codes.ndim != 2 or len(codes) == 0:
        raise ValueError(f"codes must be a 2-D array (N, code_size) with N >= 1, got shape {codes.shape}")
    if labels is not None and len(labels) != len(codes):
        raise ValueError(f"got {len(labels)} labels for {len(codes)} codes")
    if centered:
        codes = codes - codes.mean(axis=0)
    if sort_units:
        codes = codes[:, unit_order(codes)]
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(codes) + 1.2))
    if centered:
        vmax = max(float(np.abs(codes).max()), 1e-12)
        im = ax.imshow(codes, aspect="auto", cmap="RdBu_r", vmin=-vmax, vmax=vmax, interpolation="nearest")
    else:
        vmin = min(0.0, float(codes.min()))
        vmax = max(float(codes.max()), vmin + 1e-12)
        im = ax.imshow(codes, aspect="auto", cmap="viridis", vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xlabel("code unit (sorted)" if sort_units else "code unit")
    ax.set_yticks(np.arange(len(codes)))
    ax.set_yticklabels([str(v) for v in labels] if labels is not None else np.arange(len(codes)))
    ax.set_ylabel(ylabel or ("digit" if labels is not None else "image"))
    fig.colorbar(im, ax=ax, label="activation minus its mean over rows" if centered else "activation", pad=0.01)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def unit_order(codes: np.ndarray) -> np.ndarray:
    """Column order for :func:`plot_codes`: units grouped by the row where they are highest
    (row 0's units first), and within a group from the most to the least selective unit
    (highest value minus the unit's mean over rows).

    Args:
        codes: ``(N, code_size)``.

    Returns:
        ``(code_size,)`` column indices, a permutation of ``range(code_size)``.
    """
    codes = np.asarray(codes, dtype=np.float64)
    top = codes.argmax(axis=0)
    selectivity = codes.max(axis=0) - codes.mean(axis=0)
    return np.lexsort((-selectivity, top))


def plot_grouped_bars(values: dict[str, Sequence[float]], groups: Sequence[str], ylabel: str,
                      title: str | None = None, ylim: tuple[float, float] | None = None,
                      log_scale: bool = False, ax: Axes | None = None, legend: bool = True) -> Figure:
    """Grouped bar chart: one colour per series (``values`` key), one cluster per group.

    Group ``g`` is the cluster centred at x = g (its name as the tick label); inside it the series'
    bars stand left to right in the order of ``values``.

    Args:
        values: series name -> one value per group, e.g. {"raw pixels": [0.72, 0.86, 0.92]}; NaN
            marks a group the series was not measured on: its slot stays empty.
        groups: names of the clusters, e.g. ["100 labels", "1,000 labels", "60,000 labels"].
        ylabel, title, ylim: axes text and y limits; ``log_scale`` for a logarithmic y axis.
        ax: draw into this Axes (one panel of a larger figure); a new figure if None.
        legend: draw the legend of the series, right of the axes.

    Returns:
        The Figure that holds the axes.
    """
    if not values:
        raise ValueError("values is empty")
    for name, v in values.items():
        if len(v) != len(groups):
            raise ValueError(f"series {name!r} has {len(v)} values for {len(groups)} groups")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.8))
    fig = ax.figure
    width = 0.8 / len(values)
    x = np.arange(len(groups))
    for i, (name, v) in enumerate(values.items()):
        v = np.asarray(v, dtype=np.float64)
        drawn = ~np.isnan(v)  # NaN: not measured for that group, so no bar (never a bar of height 0)
        ax.bar((x + (i - (len(values) - 1) / 2) * width)[drawn], v[drawn], width, label=name)
    ax.set_xticks(x)
    ax.set_xticklabels(groups)
    ax.set_ylabel(ylabel)
    if log_scale:
        ax.set_yscale("log")
    if ylim:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    if legend:
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    fig.tight_layout()
    return fig


def _auroc(fpr: np.ndarray, tpr: np.ndarray) -> float:
    """Area under the ROC curve through the points ``(fpr[i], tpr[i])``, by trapezoids."""
    order = np.lexsort((tpr, fpr))  # by fpr, ties by tpr: the order roc_curve returns
    fpr, tpr = fpr[order], tpr[order]
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def plot_roc_curves(curves: dict[str, tuple[np.ndarray, np.ndarray]], title: str | None = None,
                    mark_fpr: float | None = None) -> Figure:
    """ROC curves, one per entry of ``curves`` (name -> (false-positive rates, true-positive rates)).

    x is the false-positive rate, y the true-positive rate; each curve's legend entry reads
    ``"<name> (AUROC 0.xxx)"``, its area under the curve (trapezoids, as ``sklearn.metrics.auc``).
    The dashed diagonal from (0, 0) to (1, 1) is a random score ("chance", AUROC 0.5).

    Args:
        curves: e.g. ``{"autoencoder": (fpr, tpr), "PCA": (fpr, tpr)}`` as from
            ``sklearn.metrics.roc_curve``; each a pair of equal-length arrays in [0, 1],
            ``fpr`` non-decreasing.
        title: axes title.
        mark_fpr: draw a dotted vertical line at this false-positive rate (an operating point),
            in the legend as e.g. ``"5% of normal images flagged"``.

    Returns:
        The Figure.
    """
    if not curves:
        raise ValueError("curves is empty: pass a dict such as {'autoencoder': (fpr, tpr)}")
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    for name, pair in curves.items():
        if len(pair) != 2:
            raise ValueError(f"curves[{name!r}] must be a pair (fpr, tpr)")
        fpr, tpr = (np.asarray(v, dtype=np.float64).ravel() for v in pair)
        if fpr.shape != tpr.shape or fpr.size < 2:
            raise ValueError(f"curves[{name!r}]: fpr and tpr need the same length >= 2, "
                             f"got {fpr.size} and {tpr.size}")
        ax.plot(fpr, tpr, label=f"{name} (AUROC {_auroc(fpr, tpr):.3f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="chance")
    if mark_fpr is not None:
        ax.axvline(mark_fpr, color="black", linestyle=":", linewidth=1,
                   label=f"{mark_fpr:.0%} of normal images flagged")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.set_xlabel("false-positive rate (normal images flagged)")
    ax.set_ylabel("true-positive rate (anomalies caught)")
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def plot_score_histograms(normal: np.ndarray, anomalous: np.ndarray, threshold: float | None = None,
                          xlabel: str = "anomaly score", title: str | None = None,
                          bins: int = 60, log_x: bool = True) -> Figure:
    """Overlaid histograms of the scores of normal and anomalous images, each summing to 1.

    Both histograms share ``bins`` bins spanning all scores (equal widths on the drawn axis: log
    spaced when ``log_x``); a bar's height is the share of that group's images in the bin, so the
    heights of each group sum to 1 whatever the group sizes. The normal images are drawn first, in
    ``DIGIT_COLORS[0]`` (blue), the anomalies in ``DIGIT_COLORS[1]`` (orange); the legend names
    each with its number of images.

    Args:
        normal, anomalous: 1-D arrays of scores (higher = more anomalous), positive when ``log_x``.
        threshold: draw the decision threshold as a vertical dashed line at this score.
        xlabel, title: axes text; ``bins``: number of bins; ``log_x``: logarithmic score axis.

    Returns:
        The Figure.
    """
    normal = np.asarray(normal, dtype=np.float64).ravel()
    anomalous = np.asarray(anomalous, dtype=np.float64).ravel()
    if normal.size == 0 or anomalous.size == 0:
        raise ValueError("both normal and anomalous need at least one score")
    both = np.concatenate([normal, anomalous])
    if not np.isfinite(both).all():
        raise ValueError("scores must be finite numbers")
    if log_x and both.min() <= 0:
        raise ValueError("log_x needs positive scores; pass log_x=False for others")
    edges = (np.geomspace(both.min(), both.max(), bins + 1) if log_x
             else np.linspace(both.min(), both.max(), bins + 1))
    fig, ax = plt.subplots(figsize=(7, 3.4))
    for values, name, colour in ((normal, "normal", DIGIT_COLORS[0]), (anomalous, "anomalies", DIGIT_COLORS[1])):
        ax.hist(values, bins=edges, weights=np.full(values.size, 1 / values.size), alpha=0.55,
                color=colour, label=f"{name} ({values.size:,} images)")
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", linewidth=1.2, label="threshold")
    if log_x:
        from matplotlib.ticker import FuncFormatter

        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        # label only the 2s and 5s between the powers of ten, so the labels never overlap
        ax.xaxis.set_minor_formatter(FuncFormatter(
            lambda v, _: f"{v:g}" if f"{v:.0e}"[0] in "25" else ""))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("share of images")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
