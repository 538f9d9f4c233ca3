"""Helpers for the *Autoencoders with Keras* course.

Importing this package first quiets TensorFlow's native start-up logs
(``TF_CPP_MIN_LOG_LEVEL`` only works if it is set before TensorFlow loads)
and selects Keras' TensorFlow backend. The modules:

- :mod:`course_utils.data` -- loading and verifying MNIST, online or offline;
- :mod:`course_utils.models` -- the Dense autoencoder builders and the VAE;
- :mod:`course_utils.training` -- seeding, training recipes, saving and reloading;
- :mod:`course_utils.evaluation` -- reconstruction errors and latent-space scores;
- :mod:`course_utils.plotting` -- every figure of the course;
- :mod:`course_utils.checks` -- exercise checkers that answer with feedback.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from course_utils.training import seed_everything  # noqa: E402  (after the env vars on purpose)

__all__ = ["seed_everything"]
__version__ = "1.0.0"
