"""The layer cases compared with tf_keras: (case name, layer class name, constructor kwargs,
input shape, training flag). Shared by the recorder (run with TensorFlow) and the tests."""

from __future__ import annotations

import numpy as np

LAYER_CASES = [
    ("dense_relu", "Dense", {"units": 5, "activation": "relu"}, (4, 6), None),
    ("dense_3d", "Dense", {"units": 3, "use_bias": False}, (2, 3, 4), None),
    ("conv2d_same", "Conv2D", {"filters": 4, "kernel_size": 3, "padding": "same"}, (2, 7, 7, 3), None),
    ("conv2d_strided", "Conv2D", {"filters": 2, "kernel_size": (3, 2), "strides": 2, "activation": "tanh"},
     (2, 8, 7, 3), None),
    ("conv1d_causal", "Conv1D", {"filters": 3, "kernel_size": 3, "padding": "causal"}, (2, 9, 2), None),
    ("conv1d_valid", "Conv1D", {"filters": 3, "kernel_size": 2, "strides": 2}, (2, 9, 2), None),
    ("conv2d_transpose_same", "Conv2DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2,
                                                  "padding": "same"}, (2, 4, 4, 2), None),
    ("conv2d_transpose_valid", "Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2},
     (2, 4, 5, 3), None),
    ("separable", "SeparableConv2D", {"filters": 4, "kernel_size": 3, "depth_multiplier": 2,
                                      "activation": "relu"}, (2, 6, 6, 3), None),
    ("depthwise", "DepthwiseConv2D", {"kernel_size": 3, "padding": "same", "depth_multiplier": 2},
     (2, 5, 5, 3), None),
    ("maxpool2d", "MaxPooling2D", {"pool_size": 2}, (2, 6, 6, 3), None),
    ("avgpool2d_same", "AveragePooling2D", {"pool_size": 3, "strides": 2, "padding": "same"},
     (2, 7, 7, 2), None),
    ("maxpool1d", "MaxPooling1D", {"pool_size": 2}, (2, 8, 3), None),
    ("gap2d", "GlobalAveragePooling2D", {}, (2, 4, 5, 3), None),
    ("gmp2d", "GlobalMaxPooling2D", {}, (2, 4, 5, 3), None),
    ("zeropad", "ZeroPadding2D", {"padding": ((1, 2), (0, 1))}, (2, 3, 3, 2), None),
    ("cropping", "Cropping2D", {"cropping": ((1, 0), (1, 2))}, (2, 5, 6, 2), None),
    ("upsampling", "UpSampling2D", {"size": (2, 3)}, (2, 3, 2, 2), None),
    ("bn_train_2d", "BatchNormalization", {"momentum": 0.9}, (6, 4), True),
    ("bn_infer_2d", "BatchNormalization", {}, (6, 4), False),
    ("bn_train_4d", "BatchNormalization", {"momentum": 0.8}, (3, 4, 4, 2), True),
    ("bn_infer_4d", "BatchNormalization", {"epsilon": 0.01}, (3, 4, 4, 2), False),
    ("flatten", "Flatten", {}, (2, 3, 4), None),
    ("reshape", "Reshape", {"target_shape": (6, -1)}, (2, 3, 4), None),
    ("permute", "Permute", {"dims": (2, 1)}, (2, 3, 4), None),
    ("repeat", "RepeatVector", {"n": 3}, (2, 4), None),
    ("leaky", "LeakyReLU", {}, (3, 5), None),
    ("relu_capped", "ReLU", {"max_value": 0.5, "negative_slope": 0.1}, (3, 5), None),
    ("elu", "ELU", {"alpha": 0.7}, (3, 5), None),
    ("softmax", "Softmax", {}, (3, 5), None),
    ("activation_sigmoid", "Activation", {"activation": "sigmoid"}, (3, 5), None),
    ("dropout_infer", "Dropout", {"rate": 0.5}, (3, 5), False),
    ("simple_rnn_seq", "SimpleRNN", {"units": 4, "return_sequences": True}, (2, 5, 3), None),
    ("lstm_last", "LSTM", {"units": 3}, (2, 5, 4), None),
    ("lstm_backwards_seq", "LSTM", {"units": 3, "return_sequences": True, "go_backwards": True},
     (2, 4, 3), None),
    ("gru_last", "GRU", {"units": 3}, (2, 5, 4), None),
    ("gru_v1_seq", "GRU", {"units": 2, "reset_after": False, "return_sequences": True}, (2, 4, 3), None),
    ("bidirectional_lstm", "Bidirectional", {"layer": ("LSTM", {"units": 2, "return_sequences": True})},
     (2, 4, 3), None),
    ("bidirectional_gru_sum", "Bidirectional", {"layer": ("GRU", {"units": 3}), "merge_mode": "sum"},
     (2, 4, 3), None),
    ("time_distributed_dense", "TimeDistributed", {"layer": ("Dense", {"units": 3, "activation": "relu"})},
     (2, 4, 5), None),
]


def make_layer(layers, cls: str, kwargs: dict):
    """The case's layer from a `keras.layers` module (wrapped layers are built first)."""
    kwargs = dict(kwargs)
    if "layer" in kwargs:
        inner_cls, inner_kwargs = kwargs.pop("layer")
        kwargs["layer"] = getattr(layers, inner_cls)(**inner_kwargs)
    return getattr(layers, cls)(**kwargs)

MERGE_CASES = [
    ("add", "Add", {}), ("multiply", "Multiply", {}), ("average", "Average", {}),
    ("concatenate", "Concatenate", {"axis": -1}), ("subtract", "Subtract", {}),
]


def case_arrays(name: str, input_shape: tuple[int, ...], weight_shapes: list[tuple[int, ...]],
                weight_names: list[str]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The input, the output cotangent seed and the weights of a case, from its name."""
    rng = np.random.RandomState(sum(map(ord, name)))
    x = rng.standard_normal(input_shape).astype(np.float32)
    weights = []
    for shape, wname in zip(weight_shapes, weight_names):
        value = (rng.standard_normal(shape) * 0.5).astype(np.float32)
        if "variance" in wname:
            value = np.abs(value) + 0.5
        weights.append(value)
    return x, rng, weights


def loss_inputs() -> dict[str, np.ndarray]:
    """Fixed labels and predictions for the loss cases."""
    rng = np.random.RandomState(7)
    logits = rng.standard_normal((5, 4)).astype(np.float32)
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    labels = rng.randint(0, 4, 5)
    return {"probs": probs.astype(np.float32), "logits": logits, "onehot": np.eye(4, dtype=np.float32)[labels],
            "sparse": labels.astype(np.int64), "binary": (rng.rand(5, 4) > 0.5).astype(np.float32),
            "regress": (rng.rand(5, 4) * 2).astype(np.float32), "weights": rng.rand(5).astype(np.float32)}
