"""Loading MNIST and Fashion-MNIST, online or offline, with checks that explain what went wrong.

Where the data comes from, in this order:

1. ``$COURSE_DATA_DIR/mnist.npz`` (or ``fashion_mnist.npz``) when the environment variable
   ``COURSE_DATA_DIR`` names a folder (classrooms without internet, CI). The file is read with
   ``np.load(..., allow_pickle=False)``, so nothing in it can execute.
2. Otherwise Keras' own ``keras.datasets.mnist.load_data()`` (or
   ``keras.datasets.fashion_mnist.load_data()``), which downloads the data once and caches it
   in ``~/.keras/datasets``.

Both data sets get the same checks: keys, shapes, dtypes, pixel range, labels 0-9, and the
SHA-256 of each array's raw bytes. Labels always come back as uint8.

Run ``python -m course_utils.data`` to see which source is used and verify both data sets, or
``python -m course_utils.data --copy-to DIR`` to write ``DIR/mnist.npz`` and
``DIR/fashion_mnist.npz`` for an offline classroom.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
import zipfile
from dataclasses import dataclass
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

#: The same for Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017), as Keras loads it.
FASHION_MNIST_SHA256 = {
    "x_train": "2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012",
    "y_train": "657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7",
    "x_test": "c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a",
    "y_test": "3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9",
}
FASHION_MNIST_FACTS = {
    "x_train": 72.940352, "x_test": 73.146567,
    "y_train": (6000,) * 10,
    "y_test": (1000,) * 10,
}
#: Fashion-MNIST's ten classes, by label.
FASHION_MNIST_CLASSES = ("T-shirt/top", "trouser", "pullover", "dress", "coat",
                         "sandal", "shirt", "sneaker", "bag", "ankle boot")

Split = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class DatasetSpec:
    """What the loader needs to know about one data set in Keras' MNIST layout."""

    key: str          #: name on the command line and in ``load_dataset``
    title: str        #: name in messages
    file_name: str    #: file in ``$COURSE_DATA_DIR``
    sha_name: str     #: module attribute holding the arrays' SHA-256 (read at call time)
    facts_name: str   #: module attribute holding pixel means and label counts
    megabytes: int    #: rough size of the .npz file
    images: str       #: what the images show, for messages

    @property
    def digests(self) -> dict[str, str]:
        return globals()[self.sha_name]

    @property
    def facts(self) -> dict:
        return globals()[self.facts_name]


MNIST = DatasetSpec("mnist", "MNIST", FILE_NAME, "MNIST_SHA256", "MNIST_FACTS", 11, "digit images")
FASHION_MNIST = DatasetSpec("fashion_mnist", "Fashion-MNIST", "fashion_mnist.npz", "FASHION_MNIST_SHA256",
                            "FASHION_MNIST_FACTS", 30, "article images")
DATASETS = {spec.key: spec for spec in (MNIST, FASHION_MNIST)}


def _fix(spec: DatasetSpec = MNIST) -> str:
    return (f"How to fix: point {DATA_DIR_VAR} at a folder holding a good {spec.file_name} "
            f"(`python -m course_utils.data --copy-to FOLDER` writes one on a machine with internet), "
            f"or unset {DATA_DIR_VAR} to let Keras download {spec.title}.")


def _spec(dataset: str | DatasetSpec) -> DatasetSpec:
    if isinstance(dataset, DatasetSpec):
        return dataset
    if dataset not in DATASETS:
        raise ValueError(f"unknown data set {dataset!r}: choose one of {', '.join(DATASETS)}")
    return DATASETS[dataset]


class MnistDataError(ValueError):
    """A data file or the arrays in it are not MNIST (or Fashion-MNIST) as the course expects."""


#: The same error under a name that fits both data sets.
CourseDataError = MnistDataError


def _data_folder(spec: DatasetSpec = MNIST) -> Path | None:
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
            f"holds {spec.file_name}, e.g. `export {DATA_DIR_VAR}=/path/to/classroom-data`; "
            f"or `unset {DATA_DIR_VAR}` to let Keras download {spec.title}."
        )
    return Path(folder).expanduser()


def data_source(dataset: str = "mnist") -> str:
    """Describe where :func:`load_mnist` (or :func:`load_fashion_mnist`) will read from, in one sentence."""
    spec = _spec(dataset)
    folder = _data_folder(spec)
    if folder is not None:
        return f"local file {folder / spec.file_name} (from ${DATA_DIR_VAR})"
    return f"Keras download (keras.datasets.{spec.key}.load_data, cached in ~/.keras/datasets)"


def _read_npz(path: Path, spec: DatasetSpec = MNIST) -> dict[str, np.ndarray]:
    """Read the four arrays from ``path`` without ever unpickling."""
    fix = _fix(spec)
    if not path.is_file():
        raise MnistDataError(
            f"{path} does not exist, but ${DATA_DIR_VAR} points at its folder. "
            f"Expected the file {spec.file_name} with arrays {', '.join(KEYS)}. {fix}"
        )
    with path.open("rb") as f:
        magic = f.read(4)
    if magic != b"PK\x03\x04":  # every .npz is a zip archive
        raise MnistDataError(
            f"{path} is truncated or not an .npz archive (it starts with {magic!r}, not a zip header). "
            f"Expected a complete numpy .npz file of about {spec.megabytes} MB. {fix}"
        )
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in KEYS if k not in npz.files]
            if missing:
                raise MnistDataError(
                    f"{path} lacks the arrays {missing} (it has {sorted(npz.files)}). "
                    f"Expected {', '.join(KEYS)} as saved by numpy.savez. {fix}"
                )
            return {k: npz[k] for k in KEYS}
    except MnistDataError:
        raise
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise MnistDataError(
                f"{path} stores pickled Python objects, which the course refuses to load "
                f"because unpickling can run arbitrary code. Expected plain numeric arrays "
                f"{', '.join(KEYS)}. {fix}"
            ) from exc
        raise MnistDataError(f"{path} is not a readable .npz file ({exc}). {fix}") from exc
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise MnistDataError(
            f"{path} is truncated or not an .npz archive ({type(exc).__name__}: {exc}). "
            f"Expected a complete numpy .npz file of about {spec.megabytes} MB. {fix}"
        ) from exc


def validate_mnist(arrays: dict[str, np.ndarray], origin: str, dataset: str = "mnist") -> None:
    """Check the raw arrays: keys, shapes, dtypes, pixel range, labels, then the content itself.

    Args:
        arrays: ``x_train`` (60000, 28, 28) uint8, ``y_train`` (60000,) integers 0-9,
            and the same for ``x_test``/``y_test`` with 10000 rows.
        origin: where the arrays came from, named in any error.
        dataset: ``"mnist"`` or ``"fashion_mnist"``: whose content the arrays must hold.

    Raises:
        MnistDataError: naming the origin, what was expected and how to fix it.
    """
    spec = _spec(dataset)
    fix = _fix(spec)
    for split, n in EXPECTED_SIZES.items():
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.shape != (n, *IMAGE_SHAPE):
            raise MnistDataError(
                f"{origin}: x_{split} has shape {x.shape}, expected ({n}, 28, 28). {fix}"
            )
        if x.dtype != np.uint8:
            raise MnistDataError(
                f"{origin}: x_{split} has dtype {x.dtype}, expected uint8 pixels 0-255. {fix}"
            )
        if x.max() == 0:
            raise MnistDataError(f"{origin}: x_{split} is all zeros, expected {spec.images}. {fix}")
        if y.shape != (n,):
            raise MnistDataError(
                f"{origin}: y_{split} has shape {y.shape}, expected ({n},) labels. {fix}"
            )
        if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= N_CLASSES:
            raise MnistDataError(
                f"{origin}: y_{split} must hold integer labels 0-9, found dtype {y.dtype} "
                f"with values {y.min()}..{y.max()}. {fix}"
            )
    verify_content(arrays, origin, spec)


def verify_content(arrays: dict[str, np.ndarray], origin: str, dataset: str | DatasetSpec = "mnist") -> None:
    """Check that well-shaped arrays really are the data set: SHA-256 of each array against
    :data:`MNIST_SHA256` (or :data:`FASHION_MNIST_SHA256`). The error says which array differs
    and how (pixel mean, label counts).

    Raises:
        MnistDataError: naming the origin, the array, what was found and how to fix it.
    """
    spec = _spec(dataset)
    digests, facts, name = spec.digests, spec.facts, spec.title
    for key in KEYS:
        array = np.ascontiguousarray(arrays[key], dtype=np.uint8)
        if hashlib.sha256(array.tobytes()).hexdigest() == digests[key]:
            continue
        if key.startswith("x_"):
            found = f"pixel mean {array.mean():.6f} ({name}: {facts[key]:.6f})"
        else:
            counts = tuple(int(c) for c in np.bincount(array, minlength=N_CLASSES))
            found = (f"label counts {' '.join(map(str, counts))} ({name}: {' '.join(map(str, facts[key]))})"
                     if counts != tuple(facts[key]) else f"{name}'s label counts in another order (shuffled labels)")
        raise MnistDataError(
            f"{origin}: {key} has {name}'s shape but not its content: {found}. The file was "
            f"modified, corrupted, or holds another dataset. {_fix(spec)}"
        )


def _load_raw(dataset: str = "mnist") -> tuple[dict[str, np.ndarray], str]:
    """Return the four raw arrays of ``dataset`` and a description of their origin."""
    spec = _spec(dataset)
    folder = _data_folder(spec)
    if folder is not None:
        path = folder / spec.file_name
        return _read_npz(path, spec), str(path)
    import keras  # deferred: only the download path needs Keras

    try:
        (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, spec.key).load_data()
    except Exception as exc:  # URLError, HTTPError, a truncated cache file, ...
        raise MnistDataError(
            f"Downloading {spec.title} with Keras failed ({type(exc).__name__}: {exc}). "
            f"How to fix: check the internet connection (or proxy) and try again; if a "
            f"half-downloaded file exists in ~/.keras/datasets, delete it. Offline: copy "
            f"{spec.file_name} from a machine with internet (`python -m course_utils.data --copy-to FOLDER`) "
            f"and set {DATA_DIR_VAR}=FOLDER."
        ) from exc
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    return arrays, f"Keras' {spec.title} download"


def load_mnist(
    scale: bool = True,
    flatten: bool = False,
    n_train: int | None = None,
    n_test: int | None = None,
) -> tuple[Split, Split]:
    """Load MNIST as ``(x_train, y_train), (x_test, y_test)``, verified.

    The same as ``load_dataset("mnist", ...)``; see :func:`load_dataset`.
    """
    return load_dataset("mnist", scale=scale, flatten=flatten, n_train=n_train, n_test=n_test)


def load_fashion_mnist(
    scale: bool = True,
    flatten: bool = False,
    n_train: int | None = None,
    n_test: int | None = None,
) -> tuple[Split, Split]:
    """Load Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)``, verified: the same
    arguments, checks and layout as :func:`load_mnist` (labels 0-9 name
    :data:`FASHION_MNIST_CLASSES`). Offline from ``$COURSE_DATA_DIR/fashion_mnist.npz``,
    otherwise from ``keras.datasets.fashion_mnist.load_data()``.
    """
    return load_dataset("fashion_mnist", scale=scale, flatten=flatten, n_train=n_train, n_test=n_test)


def load_dataset(
    dataset: str = "mnist",
    scale: bool = True,
    flatten: bool = False,
    n_train: int | None = None,
    n_test: int | None = None,
) -> tuple[Split, Split]:
    """Load ``"mnist"`` or ``"fashion_mnist"`` as ``(x_train, y_train), (x_test, y_test)``, verified.

    Args:
        scale: if True, pixels become float32 in [0, 1] (divided by 255);
            otherwise they stay uint8 in 0-255.
        flatten: if True, images become rows of 784 pixels, shape (N, 784);
            otherwise (N, 28, 28).
        n_train: keep only the first ``n_train`` training images (all 60000 if None).
        n_test: keep only the first ``n_test`` test images (all 10000 if None).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``; labels are uint8 classes 0-9, shape (N,),
        whatever integer type the source stored them in.

    Raises:
        MnistDataError: the file is missing, truncated, pickled, not MNIST-shaped or not the data set.
        ValueError: ``n_train``/``n_test`` outside 1..size of the split, or an unknown data set.
    """
    spec = _spec(dataset)
    arrays, origin = _load_raw(spec.key)
    validate_mnist(arrays, origin, spec.key)
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
    """Summarise raw MNIST-layout arrays: shapes, pixel means, label counts (for checking a copy)."""
    lines = []
    for split in EXPECTED_SIZES:
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        counts = " ".join(str(c) for c in np.bincount(y, minlength=N_CLASSES))
        lines.append(f"{split}: {x.shape[0]} images {x.shape[1]}x{x.shape[2]} {x.dtype}, "
                     f"pixel mean {x.mean():.6f}, label counts {counts}")
    return "\n".join(lines)


def copy_to(folder: Path, dataset: str = "mnist") -> Path:
    """Write the verified arrays to ``folder/mnist.npz`` (or ``fashion_mnist.npz``; compressed, no pickles)."""
    spec = _spec(dataset)
    arrays, origin = _load_raw(spec.key)
    validate_mnist(arrays, origin, spec.key)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / spec.file_name
    np.savez_compressed(target, **arrays)
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line: report each data set's source and verify it; optionally copy them to a folder."""
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.data",
        description="Show where the course reads MNIST and Fashion-MNIST from and verify them.",
    )
    parser.add_argument("--copy-to", type=Path, metavar="FOLDER",
                        help=f"write FOLDER/{FILE_NAME} and FOLDER/{FASHION_MNIST.file_name} for offline use "
                             f"(then set {DATA_DIR_VAR}=FOLDER)")
    parser.add_argument("--dataset", choices=[*DATASETS, "all"], default="all",
                        help="which data set to verify (and copy); default: all")
    args = parser.parse_args(argv)
    specs = list(DATASETS.values()) if args.dataset == "all" else [DATASETS[args.dataset]]
    for spec in specs:
        try:
            print(f"{spec.title} source: {data_source(spec.key)}")
            arrays, origin = _load_raw(spec.key)
            validate_mnist(arrays, origin, spec.key)
        except MnistDataError as exc:
            print(f"ERROR: {exc}", file=sys.stderr)
            return 1
        print(describe(arrays))
        print(f"OK: {spec.title} verified.")
        if args.copy_to:
            target = copy_to(args.copy_to, spec.key)
            print(f"Wrote {target}. Offline machines: export {DATA_DIR_VAR}={target.parent.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
