"""Exercise checkers of notebook 02: building the encoder and decoder."""
from __future__ import annotations


import numpy as np

from course_utils.checks.feedback import Feedback, _unanswered


def _model_io(model) -> tuple[tuple | None, tuple | None, int | None, str]:
    """``(input shape, output shape, parameter count, "")`` of a built Keras model, or
    ``(None, None, None, what is wrong)`` for anything else."""
    import keras

    if not isinstance(model, keras.Model):
        return None, None, None, (f"expected a keras.Model, got {type(model).__name__}. "
                                  "Hint: keras.Model(inputs, outputs).")
    try:
        in_shape, out_shape = model.input_shape, model.output_shape
        n_params = int(model.count_params())
    except Exception as exc:  # noqa: BLE001 - an unbuilt or odd model gets feedback
        return None, None, None, (f"could not read the model's input and output shapes ({type(exc).__name__}). "
                                  "Hint: start from keras.Input(shape=(...)).")
    in_shape = tuple(in_shape) if isinstance(in_shape, tuple) else in_shape
    out_shape = tuple(out_shape) if isinstance(out_shape, tuple) else out_shape
    return in_shape, out_shape, n_params, ""


def _activation_name(activation) -> str | None:
    """``"relu"``, ``"sigmoid"``... for an activation function, a ReLU layer or an Activation layer."""
    import keras

    if isinstance(activation, keras.layers.ReLU):
        return "relu"
    if isinstance(activation, keras.layers.Activation):
        return _activation_name(activation.activation)
    return getattr(activation, "__name__", None)


def _dense_activations(model) -> list[str | None]:
    """The effective activation after each Dense layer of a chain, in order: a Dense layer's own
    activation, or, when it is linear, the activation layer (``ReLU()``, ``Activation("relu")``)
    that follows it. Nested models are walked through."""
    import keras

    flat = []

    def walk(m):
        for layer in m.layers:
            if isinstance(layer, keras.Model):
                walk(layer)
            else:
                flat.append(layer)

    walk(model)
    acts = []
    for i, layer in enumerate(flat):
        if not isinstance(layer, keras.layers.Dense):
            continue
        name = _activation_name(layer.activation)
        if name == "linear" and i + 1 < len(flat) and isinstance(flat[i + 1], (keras.layers.ReLU, keras.layers.Activation)):
            name = _activation_name(flat[i + 1])
        acts.append(name)
    return acts


SMALL_ENCODER_PARAMS = (784 + 1) * 64 + (64 + 1) * 32
SMALL_DECODER_PARAMS = (32 + 1) * 64 + (64 + 1) * 784


def check_small_encoder(model) -> Feedback:
    """02, exercise 1: a functional 784-64-32 encoder whose hidden layer uses ReLU (in the Dense
    layer or as a separate ``ReLU()``/``Activation("relu")`` layer after it)."""
    if (fb := _unanswered(model)) is not None:
        return fb
    in_shape, out_shape, n_params, problem = _model_io(model)
    if problem:
        return Feedback(False, problem)
    if in_shape != (None, 784):
        return Feedback(False, f"input shape should be (None, 784), got {in_shape}. "
                               "Hint: keras.Input(shape=(784,)).")
    if out_shape != (None, 32):
        return Feedback(False, f"output shape should be (None, 32), got {out_shape}.")
    if n_params != SMALL_ENCODER_PARAMS:
        return Feedback(False, f"{n_params} parameters is not what two Dense layers of 64 and then 32 units "
                               "have. Hint: one hidden Dense layer of 64 units, then the 32-unit code.")
    try:
        acts = _dense_activations(model)
    except Exception as exc:  # noqa: BLE001 - an odd model gets feedback, not a traceback
        return Feedback(False, f"could not read the model's layers ({type(exc).__name__}). "
                               "Hint: build it from keras.Input and Dense layers.")
    if len(acts) != 2 or acts[0] != "relu":
        return Feedback(False, f"the hidden layer should use ReLU, found activations {acts}.")
    if acts[1] != "linear":
        return Feedback(False, f"the 32-unit code should have no activation, found {acts[1]}. "
                               "Hint: leave the activation of the code's Dense layer at its default, and put "
                               "no activation layer after it.")
    return Feedback(True, "784 -> 64 (ReLU) -> 32 without activation, with the right number of parameters.")


def check_small_autoencoder(small_encoder, small_decoder, small_autoencoder) -> Feedback:
    """02, exercise 2: the decoder mirroring the small encoder (32 -> 64 ReLU -> 784 sigmoid, output
    layer named ``"small_reconstruction"``) and the autoencoder chaining both, sharing their layers."""
    import keras

    for answer in (small_encoder, small_decoder, small_autoencoder):
        if (fb := _unanswered(answer)) is not None:
            return fb
    if not (fb := check_small_encoder(small_encoder)).passed:
        return Feedback(False, "first make exercise 1 pass: " + fb.message)
    in_shape, out_shape, n_params, problem = _model_io(small_decoder)
    if problem:
        return Feedback(False, "small_decoder: " + problem)
    if in_shape != (None, 32) or out_shape != (None, 784):
        return Feedback(False, f"small_decoder should map (None, 32) to (None, 784), got {in_shape} -> {out_shape}.")
    if n_params != SMALL_DECODER_PARAMS:
        return Feedback(False, f"small_decoder has {n_params} parameters, not what Dense layers of 64 and then "
                               "784 units have. Hint: mirror the encoder, 32 -> 64 -> 784.")
    try:
        acts = _dense_activations(small_decoder)
    except Exception as exc:  # noqa: BLE001 - an odd model gets feedback, not a traceback
        return Feedback(False, f"could not read small_decoder's layers ({type(exc).__name__}).")
    if len(acts) != 2 or acts[0] != "relu":
        return Feedback(False, f"small_decoder's hidden layer should use ReLU, found activations {acts}.")
    if acts[1] != "sigmoid":
        return Feedback(False, f"small_decoder's output should use a sigmoid (pixels lie in [0, 1]), found {acts[1]}.")
    try:
        small_decoder.get_layer("small_reconstruction")
    except (ValueError, KeyError):
        return Feedback(False, "small_decoder has no layer named 'small_reconstruction'. "
                               "Hint: a layer takes its name from the name= argument when you create it.")
    in_shape, out_shape, n_params, problem = _model_io(small_autoencoder)
    if problem:
        return Feedback(False, "small_autoencoder: " + problem)
    if in_shape != (None, 784) or out_shape != (None, 784):
        return Feedback(False, f"small_autoencoder should map (None, 784) to (None, 784), got {in_shape} -> {out_shape}.")
    own = {id(v) for v in small_autoencoder.weights}
    if not all(id(v) in own for v in small_encoder.weights + small_decoder.weights):
        return Feedback(False, "small_autoencoder does not use small_encoder's and small_decoder's own layers: "
                               "training it would leave them untouched. "
                               "Hint: call the two models themselves on one keras.Input, as the lesson did "
                               "for the big network.")
    x = np.random.default_rng(0).random((4, 784)).astype("float32")
    try:
        chained = keras.ops.convert_to_numpy(small_decoder(small_encoder(x)))
        direct = keras.ops.convert_to_numpy(small_autoencoder(x))
    except Exception as exc:  # noqa: BLE001 - the student's model failed: explain rather than crash
        return Feedback(False, f"calling your models raised {type(exc).__name__}: {exc}")
    if not np.allclose(chained, direct, atol=1e-6):
        return Feedback(False, "small_autoencoder(x) differs from small_decoder(small_encoder(x)). "
                               "Hint: chain the two models on one keras.Input.")
    return Feedback(True, "784 -> 64 -> 32 -> 64 -> 784, one model over the encoder's and the decoder's layers.")
