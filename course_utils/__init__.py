"""Helpers for the *Autoencoders with Keras* course.

Import this package before Keras (each notebook's first code cell does): it selects Keras'
TensorFlow backend unless ``KERAS_BACKEND`` names another, and loads TensorFlow without
the native start-up lines (absl, oneDNN and CUDA notices) that it would otherwise print in
red on stderr: ``TF_CPP_MIN_LOG_LEVEL`` only works if it is set before TensorFlow loads, and
a few lines are printed before even that is read. The modules:

- :mod:`course_utils.data` -- loading and verifying MNIST, online or offline;
- :mod:`course_utils.models` -- tested copies of the models the notebooks build;
- :mod:`course_utils.training` -- seeding, training recipes, saving and reloading;
- :mod:`course_utils.evaluation` -- reconstruction errors and latent-space scores;
- :mod:`course_utils.results` -- measured results stated against expected values and tolerances;
- :mod:`course_utils.plotting` -- every figure of the course;
- :mod:`course_utils.checks` -- exercise checkers that answer with feedback.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _load_tensorflow_quietly() -> None:
    """Import TensorFlow with file descriptor 2 pointed at /dev/null, then restore it.

    Python errors are unaffected (an ImportError still reaches the caller with its traceback);
    only the native log lines written while the library loads are dropped.
    """
    import sys

    if os.environ["KERAS_BACKEND"] != "tensorflow":
        return
    if "tensorflow" in sys.modules:
        _quiet_python_logger()
        return
    try:
        saved = os.dup(2)
    except OSError:  # no stderr to silence
        import tensorflow  # noqa: F401
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    _quiet_python_logger()


def _quiet_python_logger() -> None:
    """TensorFlow's Python logger warns on stderr when a function is traced again ("retracing"),
    which depends on timing and call patterns, not on the lesson: only errors are shown."""
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")


_load_tensorflow_quietly()

from course_utils.training import seed_everything  # noqa: E402  (after TensorFlow on purpose)

__all__ = ["seed_everything"]
__version__ = "1.1.0"
