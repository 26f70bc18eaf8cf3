"""Recurrent networks: TF1's RNN cells (`tf.nn.rnn_cell`, `tf.contrib.rnn`), the static and
dynamic RNN drivers (`tf.nn.static_rnn`, `tf.nn.dynamic_rnn`, bidirectional forms) and
`tf.reverse_sequence`."""

from .cell_base import LayerRNNCell, LSTMStateTuple, RNNCell
from .cells import BasicLSTMCell, BasicRNNCell, GRUCell
from .dynamic import bidirectional_dynamic_rnn, dynamic_rnn
from .lstm_cell import LSTMCell
from .raw import raw_rnn
from .reverse import reverse_sequence
from .stacked import stack_bidirectional_dynamic_rnn, stack_bidirectional_rnn
from .static import static_bidirectional_rnn, static_rnn
from .wrappers import DeviceWrapper, DropoutWrapper, MultiRNNCell, ResidualWrapper, RNNCellWrapper

__all__ = ["BasicLSTMCell", "BasicRNNCell", "DeviceWrapper", "DropoutWrapper", "GRUCell", "LSTMCell",
           "LSTMStateTuple", "LayerRNNCell", "MultiRNNCell", "RNNCell", "RNNCellWrapper",
           "ResidualWrapper", "bidirectional_dynamic_rnn", "dynamic_rnn", "raw_rnn", "reverse_sequence",
           "stack_bidirectional_dynamic_rnn", "stack_bidirectional_rnn", "static_bidirectional_rnn",
           "static_rnn"]
