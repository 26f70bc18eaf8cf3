"""`tf.contrib.rnn`: the RNN cells and drivers under their contrib names."""

# ruff: noqa: F401
from graphflow.nn_rnn import (
    BasicLSTMCell,
    BasicRNNCell,
    DeviceWrapper,
    DropoutWrapper,
    GRUCell,
    LayerRNNCell,
    LSTMCell,
    LSTMStateTuple,
    MultiRNNCell,
    ResidualWrapper,
    RNNCell,
    bidirectional_dynamic_rnn,
    stack_bidirectional_dynamic_rnn,
    stack_bidirectional_rnn,
    static_bidirectional_rnn,
    static_rnn,
)
from graphflow.nn_rnn.layer_norm_lstm import LayerNormBasicLSTMCell
from graphflow.nn_rnn.lstm_block import LSTMBlockCell
from graphflow.nn_rnn.projection import EmbeddingWrapper, InputProjectionWrapper, OutputProjectionWrapper
