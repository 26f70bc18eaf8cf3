"""`keras.Model`: a `Network` that can be compiled and trained: `compile`, `fit`, `evaluate`,
`predict`, the `*_on_batch` methods and the generator versions.

`compile` builds (as soon as the model's inputs are known) one graph of targets, losses,
metrics and updates (engine/training_graph.py). A training step is ONE `sess.run` in
`K.get_session()` fetching the loss and metrics with the updates, the learning phase fed True.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphflow.keras import backend as K
from graphflow.keras import optimizers
from graphflow.keras.engine import training_arrays, training_graph, training_io
from graphflow.keras.engine.base_layer import to_list
from graphflow.keras.engine.network import Network
from graphflow.keras.saving.model_methods import SavingMixin


class Model(Network, SavingMixin):
    """A trainable model: `Model(inputs, outputs)` (functional) or a subclass defining `call`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.optimizer: Any = None
        self.loss: Any = None
        self.loss_weights: Any = None
        self._compile_metrics: Any = None
        self._compile_weighted_metrics: Any = None
        self._compiled: training_graph.CompiledGraph | None = None
        self._is_compiled = False
        self.stop_training = False
        self.history: Any = None

    # --- compile -----------------------------------------------------------------------------

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None,
                loss_weights: Any = None, sample_weight_mode: Any = None, weighted_metrics: Any = None,
                target_tensors: Any = None, **kwargs: Any) -> None:
        """Configures training.

        Args:
            optimizer: an optimizer name (`'adam'`) or object (Keras or `tf.train`).
            loss: a loss name, function or object; or a list/dict of them, one per output.
            metrics: metric names/functions/objects (`'acc'`, `'mae'`, `keras.metrics.AUC()`), or
                a list/dict per output.
            loss_weights: a list/dict of per-output loss factors.
            sample_weight_mode: None (per-sample weights; `'temporal'` is not supported).
            weighted_metrics: metrics also weighted by the sample weights.

        Raises:
            ValueError: for an unknown optimizer/loss/metric name or a bad per-output spec.
        """
        if sample_weight_mode not in (None, "samplewise"):
            raise ValueError("graphflow's Keras supports sample_weight_mode=None only")
        if kwargs:
            raise TypeError(f"Invalid keyword argument(s) in `compile`: {set(kwargs)}")
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self.loss_weights = loss_weights
        self._compile_metrics = metrics
        self._compile_weighted_metrics = weighted_metrics
        self._compile_config = {"optimizer": optimizer, "loss": loss, "metrics": metrics,
                                "loss_weights": loss_weights, "weighted_metrics": weighted_metrics}
        self._is_compiled = True
        self._compiled = None
        self._train_ready = False
        if self.outputs:
            self._build_compiled()

    def _build_compiled(self) -> None:
        self._collected_trainable_weights = self.trainable_weights
        self._compiled = training_graph.build(self)
        training_graph.add_training_updates(self, self._compiled)
        self._fetch_lists: dict[str, Any] = {}

    @property
    def metrics_names(self) -> list[str]:
        """`['loss']`, the per-output losses (`dense_1_loss`, for several outputs), then the
        metrics as named in `compile` (`acc`, `val_` prefixed in fit's validation logs)."""
        if self._compiled is None:
            return ["loss"]
        return list(self._compiled.metrics_names)

    @property
    def metrics(self) -> list[Any]:
        """The stateful metric objects of the compiled model."""
        return list(self._compiled.stateful) if self._compiled else []

    def reset_metrics(self) -> None:
        """Zeroes the metrics' accumulators."""
        if self._compiled is not None and self._compiled.reset_op is not None:
            K.get_session().run(self._compiled.reset_op)

    # --- feeding -----------------------------------------------------------------------------

    def _ensure_built(self, x: Any) -> None:
        if self.outputs:
            return
        self._build_from_data(x)
        if self._is_compiled:
            self._build_compiled()

    def _build_from_data(self, x: Any) -> None:
        """Defines the inputs from the first data (subclassed models)."""
        from graphflow.keras.engine.input_layer import Input
        arrays = to_list(x) if not isinstance(x, dict) else list(x.values())
        inputs = [Input(batch_shape=(None,) + np.asarray(a).shape[1:],
                        dtype=K.floatx() if np.asarray(a).dtype.kind == "f" else np.asarray(a).dtype.name)
                  for a in arrays]
        outputs = self.call(inputs if len(inputs) > 1 else inputs[0])
        self._subclass_outputs(inputs, outputs)

    def _subclass_outputs(self, inputs: list[Any], outputs: Any) -> None:
        layers = list(self._layers)
        self.inputs, self.outputs = list(inputs), to_list(outputs)
        self.input_names = [t._keras_history[0].name for t in self.inputs]
        self.output_names = [f"output_{i + 1}" for i in range(len(self.outputs))]
        self._network_nodes = set()
        self.built = True
        self._layers = layers

    def _input_arrays(self, x: Any) -> list[np.ndarray]:
        arrays = training_io.to_array_list(x, self.input_names, "input")
        training_io.check_shapes(arrays, self.inputs, self.input_names, "input")
        return arrays

    def _target_arrays(self, y: Any) -> list[np.ndarray]:
        arrays = training_io.to_array_list(y, self.output_names, "target")
        sparse = [name == "sparse_categorical_crossentropy" for name in self._compiled.loss_names]
        training_io.check_loss_and_target(arrays, self._compiled.loss_names,
                                          [K.int_shape(o) for o in self.outputs])
        training_io.check_shapes(arrays, self.outputs, self.output_names, "target", skip_last=sparse)
        return arrays

    def _standardize(self, x: Any, y: Any, sample_weight: Any = None,
                     class_weight: Any = None) -> tuple[list[np.ndarray], int]:
        self._ensure_built(x)
        if not self._is_compiled:
            raise RuntimeError("You must compile your model before training/testing. Use "
                               "`model.compile(optimizer, loss)`.")
        inputs = self._input_arrays(x)
        targets = self._target_arrays(y)
        count = training_io.check_lengths(inputs, targets)
        weights = training_io.sample_weights(targets, sample_weight, class_weight, self.output_names)
        return inputs + targets + weights, count

    def _feed_tensors(self) -> list[Any]:
        c = self._compiled
        return list(self.inputs) + list(c.targets) + list(c.sample_weights)

    def _runner(self, kind: str) -> Any:
        """A function running one batch of `kind` ('train', 'test', 'predict')."""
        session = K.get_session()
        # Cached per session: a new Keras session (set_session, clear_session) gets new runners.
        key = (kind, id(session))
        cached = self._fetch_lists.get(key) if self._compiled else None
        if cached is not None:
            return cached
        phase = K.learning_phase()
        if kind == "predict":
            feeds, fetches = list(self.inputs), list(self.outputs)
        else:
            feeds, fetches = self._feed_tensors(), list(self._compiled.fetches)
            if kind == "train":
                fetches = fetches + [self._compiled.train_op]
        extra = {phase: kind == "train"} if kind == "train" and hasattr(phase, "op") else {}
        count = len(self._compiled.fetches) if kind != "predict" else len(fetches)
        run = session.run

        def step(arrays: list[np.ndarray]) -> list[Any]:
            feed = dict(zip(feeds, arrays))
            feed.update(extra)
            return run(fetches, feed_dict=feed)[:count]
        if self._compiled is not None:
            self._fetch_lists[key] = step
        return step

    # --- fit / evaluate / predict -------------------------------------------------------------

    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1,
            verbose: int = 1, callbacks: Any = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: Any = True, class_weight: Any = None,
            sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: int | None = None,
            validation_steps: int | None = None, validation_freq: Any = 1, **kwargs: Any) -> Any:
        """Trains the model for `epochs` epochs over arrays `x`, `y`.

        `validation_split` takes the LAST fraction of the samples (before shuffling) as
        validation data; `validation_data` is `(x, y)` or `(x, y, sample_weight)`. A generator or
        `keras.utils.Sequence` as `x` goes to `fit_generator`.

        Returns:
            The `History` callback (its `history` dict holds the epoch logs).

        Raises:
            ValueError: for data that does not fit the model (Keras 2's messages).
        """
        from graphflow.keras.engine.training_generator import is_generator_like
        if is_generator_like(x):
            return self.fit_generator(x, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                                      callbacks=callbacks, validation_data=validation_data,
                                      validation_steps=validation_steps, validation_freq=validation_freq,
                                      class_weight=class_weight, shuffle=shuffle, initial_epoch=initial_epoch)
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments: {kwargs}")
        batch_size = batch_size or 32
        ins, count = self._standardize(x, y, sample_weight, class_weight)
        val_ins = None
        self._validation_count = None
        if validation_data is not None:
            if len(validation_data) == 2:
                vx, vy = validation_data
                vsw = None
            elif len(validation_data) == 3:
                vx, vy, vsw = validation_data
            else:
                raise ValueError("When passing a `validation_data` argument, it must contain either 2 "
                                 "items (x_val, y_val), or 3 items (x_val, y_val, val_sample_weights). "
                                 f"However we received `validation_data={validation_data}`")
            val_ins, val_count = self._standardize(vx, vy, vsw)
            self._validation_count = val_count
        elif validation_split and 0.0 < validation_split < 1.0:
            split_at = int(count * (1.0 - validation_split))
            val_ins = [a[split_at:] for a in ins]
            ins = [a[:split_at] for a in ins]
            val_count, count = count - split_at, split_at
            self._validation_count = val_count
        self._validation_arrays = val_ins
        validation = None
        if val_ins is not None:
            test_step = self._runner("test")

            def validation(callback_list: Any) -> list[float]:
                return training_arrays.test_loop(self, test_step, val_ins, val_ins[0].shape[0], batch_size,
                                                 callbacks=callback_list, steps=validation_steps)
        return training_arrays.fit_loop(self, self._runner("train"), ins, count, batch_size, epochs, verbose,
                                        callbacks, validation, shuffle, initial_epoch, validation_freq,
                                        steps_per_epoch=steps_per_epoch)

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: int = 1,
                 sample_weight: Any = None, steps: int | None = None, callbacks: Any = None) -> Any:
        """The loss and metrics over `x`, `y` (a scalar when there are no metrics).

        Returns:
            A float or a list in `metrics_names` order.
        """
        from graphflow.keras.engine.training_generator import is_generator_like
        if is_generator_like(x):
            return self.evaluate_generator(x, steps=steps, verbose=verbose, callbacks=callbacks)
        ins, count = self._standardize(x, y, sample_weight)
        results = training_arrays.test_loop(self, self._runner("test"), ins, count, batch_size or 32,
                                            verbose=verbose, callbacks=callbacks, steps=steps)
        return results[0] if len(results) == 1 else results

    def predict(self, x: Any, batch_size: int | None = None, verbose: int = 0, steps: int | None = None,
                callbacks: Any = None) -> Any:
        """The model outputs for `x`, batch by batch (one array, or a list for several outputs)."""
        from graphflow.keras.engine.training_generator import is_generator_like
        if is_generator_like(x):
            return self.predict_generator(x, steps=steps, verbose=verbose, callbacks=callbacks)
        self._ensure_built(x)
        ins = self._input_arrays(x)
        count = training_io.check_lengths(ins, [])
        self._fetch_lists = getattr(self, "_fetch_lists", {})
        outs = training_arrays.predict_loop(self, self._runner("predict"), ins, count, batch_size or 32,
                                            verbose=verbose, callbacks=callbacks, steps=steps)
        return outs[0] if len(outs) == 1 else outs

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: Any = None,
                       reset_metrics: bool = True) -> Any:
        """One training step on one batch; returns the loss (and metrics) of that batch.

        As Keras 2, `reset_metrics` zeroes the metrics AFTER the step: the values returned
        include whatever state earlier calls (or fit's last validation) left.
        """
        ins, _ = self._standardize(x, y, sample_weight, class_weight)
        outs = [np.float32(v) for v in self._runner("train")(ins)]
        if reset_metrics:
            self.reset_metrics()
        return outs[0] if len(outs) == 1 else outs

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                      reset_metrics: bool = True) -> Any:
        """The loss (and metrics) of one batch, without training (metrics reset after, as
        `train_on_batch`)."""
        ins, _ = self._standardize(x, y, sample_weight)
        outs = [np.float32(v) for v in self._runner("test")(ins)]
        if reset_metrics:
            self.reset_metrics()
        return outs[0] if len(outs) == 1 else outs

    def predict_on_batch(self, x: Any) -> Any:
        """The outputs for one batch."""
        self._ensure_built(x)
        self._fetch_lists = getattr(self, "_fetch_lists", {})
        outs = self._runner("predict")(self._input_arrays(x))
        return outs[0] if len(outs) == 1 else outs

    # --- generators --------------------------------------------------------------------------

    def fit_generator(self, generator: Any, steps_per_epoch: int | None = None, epochs: int = 1,
                      verbose: int = 1, callbacks: Any = None, validation_data: Any = None,
                      validation_steps: int | None = None, validation_freq: Any = 1, class_weight: Any = None,
                      max_queue_size: int = 10, workers: int = 1, use_multiprocessing: bool = False,
                      shuffle: bool = True, initial_epoch: int = 0) -> Any:
        """Trains on batches drawn from a generator or `keras.utils.Sequence` (see fit)."""
        from graphflow.keras.engine.training_generator import fit_generator
        return fit_generator(self, generator, steps_per_epoch, epochs, verbose, callbacks, validation_data,
                             validation_steps, validation_freq, class_weight, shuffle, initial_epoch)

    def evaluate_generator(self, generator: Any, steps: int | None = None, callbacks: Any = None,
                           max_queue_size: int = 10, workers: int = 1, use_multiprocessing: bool = False,
                           verbose: int = 0) -> Any:
        """Evaluates on batches drawn from a generator or Sequence."""
        from graphflow.keras.engine.training_generator import evaluate_generator
        return evaluate_generator(self, generator, steps, verbose, callbacks)

    def predict_generator(self, generator: Any, steps: int | None = None, callbacks: Any = None,
                          max_queue_size: int = 10, workers: int = 1, use_multiprocessing: bool = False,
                          verbose: int = 0) -> Any:
        """Predicts batches drawn from a generator or Sequence (inputs, or (inputs, targets))."""
        from graphflow.keras.engine.training_generator import predict_generator
        return predict_generator(self, generator, steps, verbose, callbacks)
