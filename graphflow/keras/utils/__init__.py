"""`keras.utils`: `to_categorical`, `normalize`, `Progbar`, `Sequence`, `plot_model`, and the
(de)serialization helpers."""

# ruff: noqa: F401
from graphflow.keras.utils.data_utils import Sequence
from graphflow.keras.utils.generic_utils import (
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    serialize_keras_object,
)
from graphflow.keras.utils.np_utils import normalize, to_categorical
from graphflow.keras.utils.progbar import Progbar
from graphflow.keras.utils.vis_utils import model_to_dot, plot_model
