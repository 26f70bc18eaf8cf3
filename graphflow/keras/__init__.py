"""`graphflow.keras` (also `tf.keras`): Keras 2 (the tf.keras of TF 1.15 / tf_keras) running on
graphflow's graphs and sessions: layers create Variables in the default graph, `fit` runs one
`sess.run` per training step in `keras.backend.get_session()`."""

# ruff: noqa: F401
from graphflow.keras import (
    activations,
    applications,
    backend,
    callbacks,
    constraints,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    regularizers,
    utils,
)
from graphflow.keras.engine.input_layer import Input
from graphflow.keras.engine.sequential import Sequential
from graphflow.keras.engine.training import Model

__version__ = "2.2.4-tf"
