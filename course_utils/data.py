"""Loading MNIST, online or offline, with checks that explain what went wrong.

Where the data comes from, in this order:

1. ``$COURSE_DATA_DIR/mnist.npz`` when the environment variable ``COURSE_DATA_DIR``
   names a folder (classrooms without internet, CI). The file is read with
   ``np.load(..., allow_pickle=False)``, so nothing in it can execute.
2. Otherwise Keras' own ``keras.datasets.mnist.load_data()``, which downloads the
   data once and caches it in ``~/.keras/datasets``.

Run ``python -m course_utils.data`` to see which source is used and verify it, or
``python -m course_utils.data --copy-to DIR`` to write ``DIR/mnist.npz`` for an
offline classroom.
"""
from __future__ import annotations

import argparse
import os
import sys
import zipfile
from pathlib import Path

import numpy as np

DATA_DIR_VAR = "COURSE_DATA_DIR"
FILE_NAME = "mnist.npz"
IMAGE_SHAPE = (28, 28)
N_CLASSES = 10
EXPECTED_SIZES = {"train": 60_000, "test": 10_000}
KEYS = ("x_train", "y_train", "x_test", "y_test")

Split = tuple[np.ndarray, np.ndarray]

_FIX = (
    f"How to fix: point {DATA_DIR_VAR} at a folder holding a good {FILE_NAME} "
    f"(`python -m course_utils.data --copy-to FOLDER` writes one on a machine with internet), "
    f"or unset {DATA_DIR_VAR} to let Keras download MNIST."
)


class MnistDataError(ValueError):
    """A data file or the arrays in it are not MNIST as the course expects."""


def data_source() -> str:
    """Describe where :func:`load_mnist` will read from, in one sentence."""
    folder = os.environ.get(DATA_DIR_VAR)
    if folder:
        return f"local file {Path(folder) / FILE_NAME} (from ${DATA_DIR_VAR})"
    return "Keras download (keras.datasets.mnist.load_data, cached in ~/.keras/datasets)"


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """Read the four MNIST arrays from ``path`` without ever unpickling."""
    if not path.is_file():
        raise MnistDataError(
            f"{path} does not exist, but ${DATA_DIR_VAR} points at its folder. "
            f"Expected the file {FILE_NAME} with arrays {', '.join(KEYS)}. {_FIX}"
        )
    with path.open("rb") as f:
        magic = f.read(4)
    if magic != b"PK\x03\x04":  # every .npz is a zip archive
        raise MnistDataError(
            f"{path} is truncated or not an .npz archive (it starts with {magic!r}, not a zip header). "
            f"Expected a complete numpy .npz file of about 11 MB. {_FIX}"
        )
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in KEYS if k not in npz.files]
            if missing:
                raise MnistDataError(
                    f"{path} lacks the arrays {missing} (it has {sorted(npz.files)}). "
                    f"Expected {', '.join(KEYS)} as saved by numpy.savez. {_FIX}"
                )
            return {k: npz[k] for k in KEYS}
    except MnistDataError:
        raise
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise MnistDataError(
                f"{path} stores pickled Python objects, which the course refuses to load "
                f"because unpickling can run arbitrary code. Expected plain numeric arrays "
                f"{', '.join(KEYS)}. {_FIX}"
            ) from exc
        raise MnistDataError(f"{path} is not a readable .npz file ({exc}). {_FIX}") from exc
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise MnistDataError(
            f"{path} is truncated or not an .npz archive ({type(exc).__name__}: {exc}). "
            f"Expected a complete numpy .npz file of about 11 MB. {_FIX}"
        ) from exc


def validate_mnist(arrays: dict[str, np.ndarray], origin: str) -> None:
    """Check the raw arrays: keys, shapes, dtypes, pixel range and labels.

    Args:
        arrays: ``x_train`` (60000, 28, 28) uint8, ``y_train`` (60000,) integers 0-9,
            and the same for ``x_test``/``y_test`` with 10000 rows.
        origin: where the arrays came from, named in any error.

    Raises:
        MnistDataError: naming the origin, what was expected and how to fix it.
    """
    for split, n in EXPECTED_SIZES.items():
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.shape != (n, *IMAGE_SHAPE):
            raise MnistDataError(
                f"{origin}: x_{split} has shape {x.shape}, expected ({n}, 28, 28). {_FIX}"
            )
        if x.dtype != np.uint8:
            raise MnistDataError(
                f"{origin}: x_{split} has dtype {x.dtype}, expected uint8 pixels 0-255. {_FIX}"
            )
        if x.max() == 0:
            raise MnistDataError(f"{origin}: x_{split} is all zeros, expected digit images. {_FIX}")
        if y.shape != (n,):
            raise MnistDataError(
                f"{origin}: y_{split} has shape {y.shape}, expected ({n},) labels. {_FIX}"
            )
        if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= N_CLASSES:
            raise MnistDataError(
                f"{origin}: y_{split} must hold integer labels 0-9, found dtype {y.dtype} "
                f"with values {y.min()}..{y.max()}. {_FIX}"
            )


def _load_raw() -> tuple[dict[str, np.ndarray], str]:
    """Return the four raw arrays and a description of their origin."""
    folder = os.environ.get(DATA_DIR_VAR)
    if folder:
        path = Path(folder).expanduser() / FILE_NAME
        return _read_npz(path), str(path)
    import keras  # deferred: only the download path needs Keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    return arrays, "Keras' MNIST download"


def load_mnist(
    scale: bool = True,
    flatten: bool = False,
    n_train: int | None = None,
    n_test: int | None = None,
) -> tuple[Split, Split]:
    """Load MNIST as ``(x_train, y_train), (x_test, y_test)``, verified.

    Args:
        scale: if True, pixels become float32 in [0, 1] (divided by 255);
            otherwise they stay uint8 in 0-255.
        flatten: if True, images become rows of 784 pixels, shape (N, 784);
            otherwise (N, 28, 28).
        n_train: keep only the first ``n_train`` training images (all 60000 if None).
        n_test: keep only the first ``n_test`` test images (all 10000 if None).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``; labels are uint8 digits 0-9, shape (N,).

    Raises:
        MnistDataError: the file is missing, truncated, pickled or not MNIST-shaped.
        ValueError: ``n_train``/``n_test`` outside 1..size of the split.
    """
    arrays, origin = _load_raw()
    validate_mnist(arrays, origin)
    out = []
    for split, n in (("train", n_train), ("test", n_test)):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"].astype(np.uint8)
        if n is not None:
            if not 1 <= n <= len(x):
                raise ValueError(f"n_{split}={n} is out of range: choose 1..{len(x)} (or None for all).")
            x, y = x[:n], y[:n]
        if scale:
            x = x.astype(np.float32) / 255.0
        if flatten:
            x = x.reshape(len(x), -1)
        out.append((x, y))
    return out[0], out[1]


def balanced_subset(labels: np.ndarray, per_class: int, seed: int = 0) -> np.ndarray:
    """Indices of ``per_class`` randomly chosen examples of each digit, sorted; shape (10 * per_class,).

    Used to simulate a small labelled set (e.g. 10 per class = 100 labels).
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    picks = []
    for digit in range(N_CLASSES):
        candidates = np.flatnonzero(labels == digit)
        if len(candidates) < per_class:
            raise ValueError(f"only {len(candidates)} examples of digit {digit}, cannot take {per_class}")
        picks.append(rng.choice(candidates, size=per_class, replace=False))
    return np.sort(np.concatenate(picks))


def describe(arrays: dict[str, np.ndarray]) -> str:
    """Summarise raw MNIST arrays: shapes, pixel means, label counts (for checking a copy)."""
    lines = []
    for split in EXPECTED_SIZES:
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        counts = " ".join(str(c) for c in np.bincount(y, minlength=N_CLASSES))
        lines.append(f"{split}: {x.shape[0]} images {x.shape[1]}x{x.shape[2]} {x.dtype}, "
                     f"pixel mean {x.mean():.6f}, label counts {counts}")
    return "\n".join(lines)


def copy_to(folder: Path) -> Path:
    """Write the verified MNIST arrays to ``folder/mnist.npz`` (compressed, no pickles)."""
    arrays, origin = _load_raw()
    validate_mnist(arrays, origin)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / FILE_NAME
    np.savez_compressed(target, **arrays)
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line: report the data source and verify it; optionally copy it to a folder."""
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.data",
        description="Show where the course reads MNIST from and verify it.",
    )
    parser.add_argument("--copy-to", type=Path, metavar="FOLDER",
                        help=f"write FOLDER/{FILE_NAME} for offline use (then set {DATA_DIR_VAR}=FOLDER)")
    args = parser.parse_args(argv)
    print(f"Source: {data_source()}")
    try:
        arrays, origin = _load_raw()
        validate_mnist(arrays, origin)
    except MnistDataError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    print(describe(arrays))
    print("OK: MNIST verified.")
    if args.copy_to:
        target = copy_to(args.copy_to)
        print(f"Wrote {target}. Offline machines: export {DATA_DIR_VAR}={target.parent.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
