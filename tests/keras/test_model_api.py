"""Model structure: summary table, configs and rebuilding, layer lookup, weights, nesting,
subclassed models, the callbacks base, backend helpers and utils."""

import json
import shutil

import numpy as np
import pytest

import graphflow as tf
from graphflow import keras
from graphflow.keras import backend as K


def _functional():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    h = keras.layers.Concatenate()([a, b])
    h = keras.layers.Dense(4, activation="relu", kernel_regularizer=keras.regularizers.l2(0.01))(h)
    out = keras.layers.Dense(1, name="out")(h)
    return keras.Model([a, b], out)


def test_sequential_summary_table(capsys):
    model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=(8,)),
                              keras.layers.BatchNormalization(), keras.layers.Dense(2)])
    model.summary()
    assert capsys.readouterr().out == (
        'Model: "sequential"\n'
        "_________________________________________________________________\n"
        "Layer (type)                 Output Shape              Param #   \n"
        "=================================================================\n"
        "dense (Dense)                (None, 16)                144       \n"
        "_________________________________________________________________\n"
        "batch_normalization (BatchNo (None, 16)                64        \n"
        "_________________________________________________________________\n"
        "dense_1 (Dense)              (None, 2)                 34        \n"
        "=================================================================\n"
        "Total params: 242\n"
        "Trainable params: 210\n"
        "Non-trainable params: 32\n"
        "_________________________________________________________________\n")
    assert model.count_params() == 242


def test_functional_summary_lists_connections(capsys):
    _functional().summary()
    out = capsys.readouterr().out
    assert "Connected to" in out
    assert "concatenate (Concatenate)       (None, 5)            0           a[0][0]" in out
    assert "                                                                 b[0][0]" in out


def test_functional_config_round_trip_keeps_outputs():
    model = _functional()
    config = model.get_config()
    assert [layer["class_name"] for layer in config["layers"]] == ["InputLayer", "InputLayer", "Concatenate",
                                                                  "Dense", "Dense"]
    assert config["layers"][2]["inbound_nodes"] == [[["a", 0, 0, {}], ["b", 0, 0, {}]]]
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]] and config["output_layers"] == [["out", 0, 0]]
    json.dumps(config)  # JSON-serializable as Keras 2's to_json needs
    K.clear_session()
    again = keras.Model.from_config(json.loads(json.dumps(config)))
    assert [layer.name for layer in again.layers] == ["a", "b", "concatenate", "dense", "out"]
    weights = [np.full(w.shape.as_list(), 0.1, np.float32) for w in again.weights]
    again.set_weights(weights)
    x = [np.ones((2, 3), np.float32), np.ones((2, 2), np.float32)]
    np.testing.assert_allclose(again.predict(x), np.full((2, 1), 4 * (5 * 0.1 + 0.1) * 0.1 + 0.1), rtol=1e-6)
    assert again.get_layer("dense").kernel_regularizer.l2 == pytest.approx(0.01)


def test_sequential_config_round_trip_and_layers_deserialize():
    model = keras.Sequential([keras.layers.Conv2D(3, 3, padding="same", input_shape=(5, 5, 1),
                                                  activation="relu"),
                              keras.layers.MaxPooling2D(), keras.layers.Flatten(), keras.layers.Dropout(0.25),
                              keras.layers.Dense(2, activation="softmax")])
    config = model.get_config()
    assert config["layers"][0]["class_name"] == "InputLayer"
    assert config["layers"][1]["config"]["kernel_initializer"] == {"class_name": "GlorotUniform",
                                                                  "config": {"seed": None}}
    K.clear_session()
    again = keras.Sequential.from_config(config)
    assert [type(layer).__name__ for layer in again.layers] == ["Conv2D", "MaxPooling2D", "Flatten", "Dropout",
                                                                 "Dense"]
    assert again.count_params() == model.count_params() == 30 + 12 * 2 + 2
    layer = keras.layers.deserialize({"class_name": "Dense", "config": {"units": 3, "activation": "tanh"}})
    assert layer.units == 3 and layer.activation is keras.activations.tanh
    with pytest.raises(ValueError, match="Unknown layer: 'Nope'"):
        keras.layers.deserialize({"class_name": "Nope", "config": {}})


def test_get_layer_pop_set_weights_errors():
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(2,)), keras.layers.Dense(1)])
    assert model.get_layer("dense_1") is model.layers[1] and model.get_layer(index=0) is model.layers[0]
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match='layer "dense" with a weight list of length 1, but the layer was '
                                         'expecting 2 weights'):
        model.layers[0].set_weights([np.zeros((2, 3))])
    with pytest.raises(ValueError, match=r"Layer weight shape \(2, 3\) not compatible with provided weight"):
        model.layers[0].set_weights([np.zeros((3, 3)), np.zeros(3)])
    model.pop()
    assert len(model.layers) == 1 and K.int_shape(model.outputs[0]) == (None, 3)
    model.set_weights([np.ones((2, 3)), np.zeros(3)])
    np.testing.assert_array_equal(model.predict(np.ones((1, 2))), [[2.0, 2.0, 2.0]])


def test_deferred_sequential_and_subclassed_model_train():
    x = np.random.RandomState(0).rand(64, 3).astype(np.float32)
    y = x @ np.array([[1.0], [-1.0], [2.0]], np.float32)
    deferred = keras.Sequential()
    deferred.add(keras.layers.Dense(1))
    deferred.compile(keras.optimizers.SGD(0.1), "mse")
    history = deferred.fit(x, y, epochs=30, verbose=0)
    assert history.history["loss"][-1] < 0.15 * history.history["loss"][0]
    assert deferred.layers[0].input_shape == (None, 3)

    class TwoLayer(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(8, activation="relu")
            self.out = keras.layers.Dense(1)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    tf.set_random_seed(1)
    model = TwoLayer()
    model.compile(keras.optimizers.Adam(0.05), "mse")
    history = model.fit(x, y, epochs=60, verbose=0)
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]
    assert [layer.name for layer in model.layers] == ["dense_1", "dense_2"] and len(model.weights) == 4

    class Stack(keras.Model):
        def __init__(self):
            super().__init__()
            self.blocks = [keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)]

        def call(self, inputs):
            for block in self.blocks:
                inputs = block(inputs)
            return inputs

    stacked = Stack()
    stacked.compile("sgd", "mse")
    stacked.fit(x, y, epochs=1, verbose=0)
    assert len(stacked.layers) == 2 and len(stacked.trainable_weights) == 4  # layers in a list are tracked


def test_models_nest_like_layers():
    inner = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    x = keras.Input((3,))
    outer = keras.Model(x, keras.layers.Activation("relu")(inner(x)))
    inner.set_weights([np.eye(3, 2, dtype=np.float32), np.array([0.0, -5.0], np.float32)])
    np.testing.assert_array_equal(outer.predict(np.array([[1.0, 2.0, 3.0]])), [[1.0, 0.0]])
    assert len(outer.weights) == 2


def test_callback_list_base():
    class Model:
        stop_training = False
    model = Model()
    callbacks = keras.callbacks.CallbackList([keras.callbacks.BaseLogger()], add_history=True, add_progbar=True,
                                             model=model, epochs=1, steps=2, verbose=0,
                                             metrics=["loss"])
    assert [type(c).__name__ for c in callbacks] == ["BaseLogger", "History", "ProgbarLogger"]
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    callbacks.on_train_batch_end(0, {"loss": 2.0, "size": 1})
    callbacks.on_train_batch_end(1, {"loss": 4.0, "size": 3})
    logs = {}
    callbacks.on_epoch_end(0, logs)
    assert logs == {"loss": 3.5} and model.history.history == {"loss": [3.5]}
    with pytest.raises(ValueError, match="Unknown `count_mode`"):
        keras.callbacks.ProgbarLogger("epochs")


def test_backend_helpers():
    v = K.variable(np.arange(6).reshape(2, 3), name="v")
    assert K.int_shape(v) == (2, 3) and K.dtype(v) == "float32" and K.floatx() == "float32"
    assert K.epsilon() == 1e-7 and K.image_data_format() == "channels_last"
    np.testing.assert_array_equal(K.eval(K.sum(v, axis=1)), [3.0, 12.0])
    K.set_value(v, np.ones((2, 3)))
    assert K.get_value(v).sum() == 6.0
    x = K.placeholder((None, 3))
    f = K.function([x, K.learning_phase()], [K.in_train_phase(x * 2, x)])
    np.testing.assert_array_equal(f([np.ones((1, 3)), True])[0], [[2.0, 2.0, 2.0]])
    np.testing.assert_array_equal(f([np.ones((1, 3)), False])[0], [[1.0, 1.0, 1.0]])
    grad = K.gradients(K.sum(K.square(v)), [v])[0]
    np.testing.assert_array_equal(K.eval(grad), 2 * np.ones((2, 3)))
    assert K.get_session() is K.get_session()
    np.testing.assert_allclose(K.eval(K.categorical_crossentropy(K.constant([[0.0, 1.0]]),
                                                                 K.constant([[0.25, 0.75]]))), [-np.log(0.75)],
                               rtol=1e-6)


def test_utils():
    np.testing.assert_array_equal(keras.utils.to_categorical([[1], [0]], 3), [[0, 1, 0], [1, 0, 0]])
    model = keras.applications.VGG16(weights=None, include_top=True, input_shape=(32, 32, 3), classes=7)
    assert model.layers[-1].name == "predictions" and K.int_shape(model.output) == (None, 7)
    assert model.count_params() == 14714688 + 512 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 7 + 7
    with pytest.raises(ValueError, match="should be None"):
        keras.applications.VGG16(weights="imagenet")
    dot = keras.utils.model_to_dot(_functional(), show_shapes=True)
    assert dot.count("->") == 4 and "concatenate: Concatenate" in dot
    with pytest.raises(FileNotFoundError, match="cifar-10-batches-py not found"):
        keras.datasets.cifar10.load_data()


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz `dot` is not installed")
def test_plot_model_writes_an_image(tmp_path):
    target = tmp_path / "model.png"
    keras.utils.plot_model(_functional(), to_file=str(target))
    assert target.read_bytes()[:4] == b"\x89PNG"


def test_tf_keras_is_graphflow_keras():
    assert tf.keras is keras and tf.keras.layers.Dense is keras.layers.Dense


def test_pad_sequences_and_predict_classes():
    pad = keras.preprocessing.sequence.pad_sequences
    np.testing.assert_array_equal(pad([[1, 2, 3], [4]], maxlen=2), [[2, 3], [0, 4]])
    np.testing.assert_array_equal(pad([[1, 2, 3], [4]], padding="post", truncating="post", value=-1),
                                  [[1, 2, 3], [4, -1, -1]])
    with pytest.raises(ValueError, match='Padding type "middle" not understood'):
        pad([[1]], padding="middle")
    model = keras.Sequential([keras.layers.Dense(3, activation="softmax", input_shape=(2,),
                                                 kernel_initializer="ones")])
    model.set_weights([np.array([[1, 0, 0], [0, 0, 1]], np.float32), np.zeros(3, np.float32)])
    np.testing.assert_array_equal(model.predict_classes(np.array([[2.0, 0.0], [0.0, 3.0]])), [0, 2])
    binary = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(1,))])
    binary.set_weights([np.ones((1, 1), np.float32), np.zeros(1, np.float32)])
    np.testing.assert_array_equal(binary.predict_classes(np.array([[-1.0], [2.0]])), [[0], [1]])


def test_keras_initializer_defaults_differ_from_tf1():
    uniform = K.eval(keras.initializers.get("uniform")((4000,)))
    assert -0.05 <= uniform.min() < -0.045 and 0.045 < uniform.max() <= 0.05
    assert abs(K.eval(keras.initializers.get("normal")((20000,))).std() - 0.05) < 0.002
    assert abs(K.eval(keras.initializers.TruncatedNormal()((20000,))).std() - 0.05 * 0.88) < 0.003
    ortho = K.eval(keras.initializers.Orthogonal(gain=2.0, seed=1)((5, 3)))
    np.testing.assert_allclose(ortho.T @ ortho, 4.0 * np.eye(3), atol=1e-5)
    assert keras.initializers.serialize(keras.initializers.RandomUniform()) == {
        "class_name": "RandomUniform", "config": {"minval": -0.05, "maxval": 0.05, "seed": None}}


class Scale(keras.layers.Layer):
    """A custom layer the Keras 2 tutorial way: add_weight in build, K ops in call."""

    def __init__(self, output_dim, **kwargs):
        self.output_dim = output_dim
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[1], self.output_dim),
                                      initializer="uniform", trainable=True)
        super().build(input_shape)

    def call(self, x):
        return K.dot(x, self.kernel)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_dim)

    def get_config(self):
        return {**super().get_config(), "output_dim": self.output_dim}


def test_custom_layer_trains_and_round_trips_with_custom_objects():
    model = keras.Sequential([Scale(1, input_shape=(3,))])
    model.compile(keras.optimizers.SGD(0.5), "mse")
    x = np.random.RandomState(0).rand(64, 3).astype(np.float32)
    y = x @ np.array([[2.0], [-1.0], [0.5]], np.float32)
    model.fit(x, y, epochs=60, batch_size=16, verbose=0)
    np.testing.assert_allclose(model.get_weights()[0], [[2.0], [-1.0], [0.5]], atol=0.05)
    assert [w.name for w in model.weights] == ["scale/kernel:0"]
    config = model.get_config()
    with pytest.raises(ValueError, match="Unknown layer: 'Scale'"):
        keras.Sequential.from_config(config)
    again = keras.Sequential.from_config(config, custom_objects={"Scale": Scale})
    with keras.utils.custom_object_scope({"Scale": Scale}):
        third = keras.models.model_from_config({"class_name": "Sequential", "config": config})
    assert again.layers[0].output_dim == 1 and isinstance(third.layers[0], Scale)


def test_tf_keras_json_rebuilds():
    from pathlib import Path
    recorded = json.loads((Path(__file__).parent / "data" / "model_configs.json").read_text())
    for name, entry in recorded.items():
        K.clear_session()
        model = keras.models.model_from_config(json.loads(entry["json"]))
        assert model.count_params() == entry["params"], name
        assert [w.name for w in model.weights] == entry["weights"], name
    assert model.get_layer("o").units == 2


def test_layers_returning_their_input_get_an_identity_copy():
    # Dropout(0.0), Activation('linear') and an identity Lambda return their input tensor; Keras 2
    # copies it so each layer gets its own node (before, Sequential.add recursed forever)
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(2,), kernel_initializer="ones"),
                              keras.layers.Dropout(0.0), keras.layers.Activation("linear"),
                              keras.layers.Lambda(lambda t: t),
                              keras.layers.Dense(1, kernel_initializer="ones")])
    assert [layer.__class__.__name__ for layer in model.layers] == [
        "Dense", "Dropout", "Activation", "Lambda", "Dense"]
    dropout_out = model.layers[1].output
    assert dropout_out is not model.layers[0].output
    assert dropout_out.op.type == "Identity" and dropout_out.op.name.startswith("dropout/")
    assert dropout_out._keras_history[0] is model.layers[1]
    assert model.layers[0].output._keras_history[0] is model.layers[0]
    x = np.array([[1.0, 2.0], [0.5, -1.0]], np.float32)
    np.testing.assert_allclose(model.predict(x), [[9.0], [-1.5]], rtol=1e-6)
    a = keras.Input((2,))
    passed = keras.layers.Lambda(lambda t: [t, t * 2.0])(a)
    assert passed[0] is not a and passed[0].op.type == "Identity" and passed[1].op.type == "Mul"
    assert keras.Model(a, passed).predict(x[:1])[1].tolist() == [[2.0, 4.0]]


def test_backend_mean_casts_bool_like_keras_2():
    # mnist_siamese.py's accuracy: K.mean(K.equal(y_true, K.cast(y_pred < 0.5, y_true.dtype)))
    y_true = tf.constant([[1.0], [0.0], [1.0], [1.0]])
    y_pred = tf.constant([[0.2], [0.7], [0.9], [0.1]])
    accuracy = K.mean(K.equal(y_true, K.cast(y_pred < 0.5, y_true.dtype)))
    per_row = K.mean(K.equal(y_true, y_true), axis=-1)
    assert accuracy.dtype == tf.float32 and per_row.dtype == tf.float32
    assert K.get_value(accuracy) == 0.75 and K.get_value(per_row).tolist() == [1.0] * 4
    assert K.mean(tf.constant([1, 2], tf.int32)).dtype == tf.int32  # only bool is cast


def test_identity_initializer_for_irnn():
    init = keras.initializers.Identity(gain=0.5)
    assert keras.initializers.get("identity").get_config() == {"gain": 1.0}
    np.testing.assert_array_equal(K.get_value(init((3, 3))), 0.5 * np.eye(3))
    np.testing.assert_array_equal(K.get_value(init((2, 3), dtype="float64")), 0.5 * np.eye(2, 3))
    assert keras.initializers.serialize(init) == {"class_name": "Identity", "config": {"gain": 0.5}}
    with pytest.raises(ValueError, match="only be used for 2D matrices"):
        init((2, 2, 2))
    layer = keras.layers.SimpleRNN(4, recurrent_initializer=keras.initializers.Identity(gain=1.0))
    layer(keras.Input((5, 3)))
    np.testing.assert_array_equal(K.get_value(layer.cell.recurrent_kernel), np.eye(4))
