"""`tf.contrib.seq2seq`: `sequence_loss` over `[batch, time, classes]` logits."""

# ruff: noqa: F401
from graphflow.nn_rnn.seq2seq_losses import sequence_loss
