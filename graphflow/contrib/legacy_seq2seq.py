"""`tf.contrib.legacy_seq2seq`: the sequence losses over lists of per-step logits and the
basic RNN decoders."""

# ruff: noqa: F401
from graphflow.nn_rnn.legacy_seq2seq import basic_rnn_seq2seq, rnn_decoder, tied_rnn_seq2seq
from graphflow.nn_rnn.seq2seq_losses import legacy_sequence_loss as sequence_loss
from graphflow.nn_rnn.seq2seq_losses import sequence_loss_by_example
