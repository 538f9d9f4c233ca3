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
import hashlib
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
#: SHA-256 of each array's raw bytes (uint8, C order) in the real MNIST, as Keras loads it.
#: A file with MNIST's shapes but other content (random pixels, shuffled labels) fails this check.
MNIST_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
#: Published facts to tell a student *how* a copy differs: pixel means (0-255) and label counts.
MNIST_FACTS = {
    "x_train": 33.318421, "x_test": 33.791224,
    "y_train": (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949),
    "y_test": (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009),
}

Split = tuple[np.ndarray, np.ndarray]

_FIX = (
    f"How to fix: point {DATA_DIR_VAR} at a folder holding a good {FILE_NAME} "
    f"(`python -m course_utils.data --copy-to FOLDER` writes one on a machine with internet), "
    f"or unset {DATA_DIR_VAR} to let Keras download MNIST."
)


class MnistDataError(ValueError):
    """A data file or the arrays in it are not MNIST as the course expects."""


def _data_folder() -> Path | None:
    """The folder named by ``$COURSE_DATA_DIR``, or None when the variable is not set.

    Raises:
        MnistDataError: the variable is set but empty (a typo in a script, usually): an
            offline classroom would otherwise try to download without saying so.
    """
    folder = os.environ.get(DATA_DIR_VAR)
    if folder is None:
        return None
    if not folder.strip():
        raise MnistDataError(
            f"${DATA_DIR_VAR} is set but empty, so it names no folder. Expected the folder that "
            f"holds {FILE_NAME}, e.g. `export {DATA_DIR_VAR}=/path/to/classroom-data`; "
            f"or `unset {DATA_DIR_VAR}` to let Keras download MNIST."
        )
    return Path(folder).expanduser()


def data_source() -> str:
    """Describe where :func:`load_mnist` will read from, in one sentence."""
    folder = _data_folder()
    if folder is not None:
        return f"local file {folder / FILE_NAME} (from ${DATA_DIR_VAR})"
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
    """Check the raw arrays: keys, shapes, dtypes, pixel range, labels, then the content itself.

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
    verify_content(arrays, origin)


def verify_content(arrays: dict[str, np.ndarray], origin: str) -> None:
    """Check that well-shaped arrays really are MNIST: SHA-256 of each array against
    :data:`MNIST_SHA256`. The error says which array differs and how (pixel mean, label counts).

    Raises:
        MnistDataError: naming the origin, the array, what was found and how to fix it.
    """
    for key in KEYS:
        array = np.ascontiguousarray(arrays[key], dtype=np.uint8)
        if hashlib.sha256(array.tobytes()).hexdigest() == MNIST_SHA256[key]:
            continue
        if key.startswith("x_"):
            found = f"pixel mean {array.mean():.6f} (MNIST: {MNIST_FACTS[key]:.6f})"
        else:
            counts = tuple(int(c) for c in np.bincount(array, minlength=N_CLASSES))
            found = (f"label counts {' '.join(map(str, counts))} (MNIST: {' '.join(map(str, MNIST_FACTS[key]))})"
                     if counts != MNIST_FACTS[key] else "MNIST's label counts in another order (shuffled labels)")
        raise MnistDataError(
            f"{origin}: {key} has MNIST's shape but not its content: {found}. The file was "
            f"modified, corrupted, or holds another dataset. {_FIX}"
        )


def _load_raw() -> tuple[dict[str, np.ndarray], str]:
    """Return the four raw arrays and a description of their origin."""
    folder = _data_folder()
    if folder is not None:
        path = folder / FILE_NAME
        return _read_npz(path), str(path)
    import keras  # deferred: only the download path needs Keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as exc:  # URLError, HTTPError, a truncated cache file, ...
        raise MnistDataError(
            f"Downloading MNIST with Keras failed ({type(exc).__name__}: {exc}). "
            f"How to fix: check the internet connection (or proxy) and try again; if a "
            f"half-downloaded ~/.keras/datasets/mnist.npz exists, delete it. Offline: copy "
            f"{FILE_NAME} from a machine with internet (`python -m course_utils.data --copy-to FOLDER`) "
            f"and set {DATA_DIR_VAR}=FOLDER."
        ) from exc
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
    try:
        print(f"Source: {data_source()}")
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
