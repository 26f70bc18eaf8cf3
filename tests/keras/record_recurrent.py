"""Records tf_keras' recurrent-layer references into tests/keras/data/recurrent.npz:

    /work/tfenv/bin/python -m tests.keras.record_recurrent

Per case of tests/keras/rnn_cases.py: the outputs, and the gradients of sum(output * seed) with
respect to the input (float inputs) and the trainable weights; a stateful LSTM over two batches
and after `reset_states`; a masked sequence loss (evaluate, then one SGD step).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

DATA = Path(__file__).resolve().parent / "data"


def main() -> None:
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    import tf_keras as keras

    from tests.keras.rnn_cases import (
        RNN_CASES,
        case_input,
        case_rng,
        case_weights,
        masked_loss_model,
        saved_model,
        stateful_model,
    )
    out: dict[str, np.ndarray] = {}
    for name, build in RNN_CASES.items():
        tf.reset_default_graph()
        keras.backend.clear_session()
        inp, outputs = build(keras)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        model = keras.Model(inp, outputs)
        out[f"{name}/weight_names"] = np.array([w.name for w in model.weights])
        rng = case_rng(name)
        model.set_weights(case_weights(rng, [tuple(w.shape.as_list()) for w in model.weights]))
        lengths = [None, 3] if "free_time" in name else [None]
        for steps in lengths:
            x = case_input(name, rng, steps)
            seeds = [rng.standard_normal([x.shape[0]] + [x.shape[1] if d is None else d
                                                         for d in o.shape.as_list()[1:]]).astype(np.float32)
                     for o in outputs]
            objective = tf.add_n([tf.reduce_sum(o * s) for o, s in zip(outputs, seeds)])
            wrt = ([inp] if x.dtype == np.float32 else []) + model.trainable_weights
            grads = [tf.convert_to_tensor(g) for g in tf.gradients(objective, wrt)]
            values = tf.keras.backend.get_session().run(outputs + grads, {inp: x})
            key = name if steps is None else f"{name}@{steps}"
            for i, value in enumerate(values[:len(outputs)]):
                out[f"{key}/out{i}"] = value
            for i, value in enumerate(values[len(outputs):]):
                out[f"{key}/grad{i}"] = value
            for i, seed in enumerate(seeds):
                out[f"{key}/seed{i}"] = seed
            out[f"{key}/x"] = x

    tf.reset_default_graph()
    keras.backend.clear_session()
    model = stateful_model(keras)
    rng = case_rng("stateful")
    model.set_weights(case_weights(rng, [tuple(w.shape.as_list()) for w in model.weights]))
    first, second = (rng.standard_normal((2, 3, 4)).astype(np.float32) for _ in range(2))
    out["stateful/first"] = first
    out["stateful/second"] = second
    out["stateful/y_first"] = model.predict(first, batch_size=2)
    out["stateful/y_second"] = model.predict(second, batch_size=2)
    model.reset_states()
    out["stateful/y_reset"] = model.predict(second, batch_size=2)

    tf.reset_default_graph()
    keras.backend.clear_session()
    model = masked_loss_model(keras)
    rng = case_rng("masked_loss")
    model.set_weights(case_weights(rng, [tuple(w.shape.as_list()) for w in model.weights]))
    x = case_input("masked_loss", rng)
    y = rng.standard_normal((3, x.shape[1], 2)).astype(np.float32)
    model.compile(keras.optimizers.legacy.SGD(0.1), "mse", metrics=["mae"])
    out["masked_loss/x"], out["masked_loss/y"] = x, y
    out["masked_loss/evaluate"] = np.asarray(model.evaluate(x, y, batch_size=3, verbose=0), np.float32)
    model.train_on_batch(x, y)
    for i, w in enumerate(model.get_weights()):
        out[f"masked_loss/after{i}"] = w

    tf.reset_default_graph()
    keras.backend.clear_session()
    model = saved_model(keras)
    rng = case_rng("saved")
    model.set_weights(case_weights(rng, [tuple(w.shape.as_list()) for w in model.weights]))
    x = case_input("saved", rng)
    model.save(str(DATA / "tf_keras_recurrent.h5"))
    out["saved/x"], out["saved/y"] = x, model.predict(x)
    np.savez(DATA / "recurrent.npz", **out)
    print(f"recorded {len(out)} arrays into {DATA / 'recurrent.npz'}")


if __name__ == "__main__":
    main()
