"""`TensorBoard`: write `fit`'s metrics, weight histograms/images and the graph as TensorBoard
event files, on graphflow.summary's FileWriter.

Layout of TF1-era Keras (the v1 callback of TF 1.15): one event file in `log_dir`; epoch
metrics as scalars tagged `epoch_<key>` at step `epoch` (or at the number of samples seen when
`update_freq` is not `'epoch'`); with `update_freq='batch'` or an int N, batch metrics tagged
`batch_<key>` at the running batch index whenever N samples have been seen since the last
write; with `histogram_freq=k`, every k-th epoch a histogram per layer weight tagged by the
weight's name with `:` replaced by `_` (`dense/kernel_0`), plus an image of it with
`write_images`, and a histogram of each layer's output (`<layer>_out`), computed on each
validation batch (`batch_size` samples, inference phase) at the running count of validation
batches as step, as Keras 2 did; the graph with `write_graph`.

Differences, on purpose: without validation data (Keras 2 wrote no histograms then) the weight
histograms are still written, at step `epoch`; `write_grads`, embeddings and profiling are not
supported (a warning says so, as tf.keras 2.x warns for the arguments it dropped).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from graphflow.keras.callbacks.base import Callback

_log = logging.getLogger("graphflow.keras")
_SKIPPED_KEYS = ("batch", "size", "num_steps")


def _keras_session() -> Any:
    """The Keras backend's session (its graph holds the model)."""
    from graphflow.keras import backend

    return backend.get_session()


def _weight_image(tf: Any, weight: Any) -> Any | None:
    """A [N, H, W, 1] image tensor of `weight` in Keras 2's arrangement, or None for weights of
    other ranks (Keras 2 skips those)."""
    shape = [d for d in weight.shape.as_list() if d != 1]
    image = tf.reshape(weight, shape) if shape else None
    if image is None:
        return None
    if len(shape) == 2:  # a dense kernel, shown wide rather than tall
        if shape[0] > shape[1]:
            image = tf.transpose(image)
            shape = [shape[1], shape[0]]
        return tf.reshape(image, [1, shape[0], shape[1], 1])
    if len(shape) == 3:  # a conv kernel, channels last: one image per output channel
        image = tf.transpose(image, perm=[2, 0, 1])
        return tf.reshape(image, [shape[2], shape[0], shape[1], 1])
    if len(shape) == 1:  # a bias
        return tf.reshape(image, [1, shape[0], 1, 1])
    return None


class TensorBoard(Callback):
    """Writes TensorBoard logs during `fit`.

    Args:
        log_dir: the directory of the event file.
        histogram_freq: every how many epochs to write weight histograms (0: never).
        batch_size: accepted for Keras 2 compatibility (it sized the validation batches of the
            activation histograms, which are not written).
        write_graph: write the session's graph (TensorBoard's graph tab).
        write_grads: not supported (warns).
        write_images: with `histogram_freq`, also write each weight as an image.
        embeddings_freq, embeddings_layer_names, embeddings_metadata, embeddings_data: not
            supported (warns when `embeddings_freq` is set).
        update_freq: `'epoch'`, `'batch'` (every batch) or an int (every that many samples).
        profile_batch: accepted for Keras 2 compatibility; no profile is written.

    Raises:
        ImportError (at `set_model`): when the optional tensorboard package is missing.
    """

    def __init__(self, log_dir: str = "./logs", histogram_freq: int = 0, batch_size: int = 32,
                 write_graph: bool = True, write_grads: bool = False, write_images: bool = False,
                 embeddings_freq: int = 0, embeddings_layer_names: Any = None,
                 embeddings_metadata: Any = None, embeddings_data: Any = None,
                 update_freq: str | int = "epoch", profile_batch: int = 2) -> None:
        super().__init__()
        self.log_dir = str(log_dir)
        self.histogram_freq = histogram_freq
        self.batch_size = batch_size
        self.write_graph = write_graph
        self.write_grads = write_grads
        self.write_images = write_images
        self.embeddings_freq = embeddings_freq
        self.embeddings_layer_names = embeddings_layer_names
        self.embeddings_metadata = embeddings_metadata
        self.embeddings_data = embeddings_data
        self.profile_batch = profile_batch
        if write_grads:
            _log.warning("`write_grads` will be ignored: graphflow's TensorBoard callback writes weight "
                         "histograms only.")
        if embeddings_freq:
            _log.warning("`embeddings_freq` will be ignored: graphflow's TensorBoard callback does not "
                         "write embeddings.")
        if update_freq != "epoch" and update_freq != "batch" and not isinstance(update_freq, int):
            raise ValueError(f"TensorBoard update_freq must be 'epoch', 'batch' or an int, got {update_freq!r}")
        self.update_freq: str | int = 1 if update_freq == "batch" else update_freq
        self.writer: Any = None
        self.merged: Any = None
        self.merged_with_outputs: Any = None
        self._session: Any = None
        self._total_val_batches_seen = 0
        self._total_batches_seen = 0
        self._samples_seen = 0
        self._samples_seen_at_last_write = 0

    def set_model(self, model: Any) -> None:
        """Opens the writer (with the graph when `write_graph`) and builds the histogram ops."""
        super().set_model(model)
        from graphflow.summary import FileWriter

        self._session = _keras_session()
        graph = self._session.graph
        self.writer = FileWriter(self.log_dir, graph if self.write_graph else None)
        if self.histogram_freq:
            self._make_histogram_ops(graph)

    def _make_histogram_ops(self, graph: Any) -> None:
        """Sets `merged` (the weights' summaries) and `merged_with_outputs` (those and the layer
        outputs' histograms, which need the model's inputs fed)."""
        import graphflow as tf

        key = "keras_tensorboard_callback"
        with graph.as_default():
            ops, output_ops = [], []
            for layer in self.model.layers:
                for weight in layer.weights:
                    tag = weight.name.replace(":", "_")
                    ops.append(tf.summary.histogram(tag, weight, collections=[key]))
                    if self.write_images:
                        image = _weight_image(tf, weight)
                        if image is not None:
                            ops.append(tf.summary.image(tag, image, collections=[key]))
                output_ops.extend(self._output_histograms(tf, layer, key))
            self.merged = tf.summary.merge(ops) if ops else None
            self.merged_with_outputs = tf.summary.merge(ops + output_ops) if ops or output_ops else None

    @staticmethod
    def _output_histograms(tf: Any, layer: Any, key: str) -> list[Any]:
        try:
            output = layer.output
        except (AttributeError, ValueError, RuntimeError):  # a layer never called, or shared
            return []
        if isinstance(output, (list, tuple)):
            return [tf.summary.histogram(f"{layer.name}_out_{i}", o, collections=[key])
                    for i, o in enumerate(output)]
        return [tf.summary.histogram(f"{layer.name}_out", output, collections=[key])]

    def _write_histograms(self, epoch: int) -> None:
        data = getattr(self, "validation_data", None)
        inputs = list(getattr(self.model, "inputs", None) or [])
        if not data or not inputs:
            if self.merged is not None:
                self.writer.add_summary(self._session.run(self.merged), epoch)
            return
        from graphflow.keras import backend

        phase = backend.learning_phase()
        count = len(data[0])
        for start in range(0, count, self.batch_size):
            feed = {tensor: array[start:start + self.batch_size] for tensor, array in zip(inputs, data)}
            if not isinstance(phase, int):
                feed[phase] = False
            summary = self._session.run(self.merged_with_outputs, feed_dict=feed)
            self.writer.add_summary(summary, self._total_val_batches_seen)
            self._total_val_batches_seen += 1

    def _write_scalars(self, step: int, logs: dict) -> None:
        from graphflow.summary.protos import protos

        summary_pb2 = protos().summary_pb2
        for name, value in logs.items():
            if isinstance(value, np.ndarray):
                value = value.item()
            summary = summary_pb2.Summary()
            summary.value.add(tag=name, simple_value=float(value))
            self.writer.add_summary(summary, step)
        self.writer.flush()

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        self._samples_seen += logs.get("size", 1)
        since = self._samples_seen - self._samples_seen_at_last_write
        if self.update_freq != "epoch" and since >= self.update_freq:
            batch_logs = {"batch_" + k: v for k, v in logs.items() if k not in _SKIPPED_KEYS}
            self._write_scalars(self._total_batches_seen, batch_logs)
            self._samples_seen_at_last_write = self._samples_seen
        self._total_batches_seen += 1

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = {"epoch_" + k: v for k, v in (logs or {}).items() if k not in _SKIPPED_KEYS}
        step = epoch if self.update_freq == "epoch" else self._samples_seen
        self._write_scalars(step, logs)
        if self.merged_with_outputs is not None and epoch % self.histogram_freq == 0:
            self._write_histograms(epoch)
            self.writer.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.writer is not None:
            self.writer.close()
