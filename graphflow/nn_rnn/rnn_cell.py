"""`tf.nn.rnn_cell`: TF1's cell classes under their public names."""

# ruff: noqa: F401
from .cell_base import LSTMStateTuple, RNNCell
from .cells import BasicLSTMCell, BasicRNNCell, GRUCell
from .lstm_cell import LSTMCell
from .wrappers import DeviceWrapper, DropoutWrapper, MultiRNNCell, ResidualWrapper
