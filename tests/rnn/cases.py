"""RNN programs written once against the TF1 API and run on graphflow or TensorFlow.

Each case `build(tf)` returns `(fetches, feeds)`: a dict of named tensors (outputs, final
states, gradients of a fixed weighted sum w.r.t. every variable and the inputs) and the
feed_dict; `run_case(tf, name)` sets every variable to fixed values derived from its name (so
both implementations hold identical weights) and returns `{name: array}` plus the sorted
variable names. `python -m tests.rnn.record` stores TensorFlow's results under data/.
"""

from __future__ import annotations

import zlib

import numpy as np

BATCH, STEPS, DEPTH, UNITS = 3, 4, 3, 5
LENGTHS = np.array([4, 2, 0], np.int32)
SHORT_LENGTHS = np.array([3, 1, 2], np.int32)  # the loop stops before the last step


def fixed(shape, key, scale=0.5, dtype=np.float32):
    """Deterministic values in [-scale, scale) from `key` (a string)."""
    rng = np.random.RandomState(zlib.crc32(key.encode()) % (2**31))
    return (rng.uniform(-scale, scale, size=shape)).astype(dtype)


def _inputs(tf, steps=STEPS, depth=DEPTH, time_major=False):
    shape = [steps, BATCH, depth] if time_major else [BATCH, steps, depth]
    value = fixed(shape, "inputs", 1.0)
    x = tf.placeholder(tf.float32, [None, None, depth] if not time_major else [steps, None, depth],
                       name="x")
    return x, value


def _step_inputs(tf, steps=STEPS, depth=DEPTH):
    value = fixed([steps, BATCH, depth], "inputs", 1.0)
    xs = [tf.placeholder(tf.float32, [None, depth], name=f"x{t}") for t in range(steps)]
    return xs, {x: value[t] for t, x in enumerate(xs)}


def _flat(tf, structure):
    if isinstance(structure, (list, tuple)):
        return [t for item in structure for t in _flat(tf, item)]
    return [structure]


def _with_gradients(tf, fetches, wrt):
    """Adds d(sum_k w_k * fetch_k)/d(variable and `wrt`) with fixed weights w_k."""
    loss = 0.0
    for key in sorted(fetches):
        tensor = fetches[key]
        shape = tf.shape(tensor)
        weights = tf.constant(fixed([BATCH * 64], "w" + key, 1.0))
        size = tf.reduce_prod(shape)
        loss = loss + tf.reduce_sum(tensor * tf.reshape(weights[:size], shape))
    variables = sorted(tf.trainable_variables(), key=lambda v: v.name)
    targets = variables + list(wrt)
    grads = tf.gradients(loss, targets)
    names = [f"grad/{v.name}" for v in variables] + [f"grad/input{i}" for i in range(len(wrt))]
    for name, grad in zip(names, grads):
        if grad is not None:
            fetches[name] = tf.convert_to_tensor(grad)
    fetches["loss"] = loss
    return fetches


def _states(prefix, state):
    """Named parts of a (nested) state: prefix/0, prefix/1, ... in flat order."""
    flat = []

    def walk(node):
        if isinstance(node, (list, tuple)):
            for item in node:
                walk(item)
        else:
            flat.append(node)

    walk(state)
    return {f"{prefix}/{i}": t for i, t in enumerate(flat)}


def _static(tf, cell_fn, sequence_length=None, depth=DEPTH):
    xs, feeds = _step_inputs(tf, depth=depth)
    cell = cell_fn(tf)
    lengths = None
    if sequence_length is not None:
        lengths = tf.placeholder(tf.int32, [None], name="lengths")
        feeds[lengths] = sequence_length
    outputs, state = tf.nn.static_rnn(cell, xs, dtype=tf.float32, sequence_length=lengths)
    fetches = {f"output/{t}": o for t, o in enumerate(outputs)}
    fetches.update(_states("state", state))
    return _with_gradients(tf, fetches, xs[:2]), feeds


def _dynamic(tf, cell_fn, sequence_length=None, time_major=False, depth=DEPTH):
    x, value = _inputs(tf, depth=depth, time_major=time_major)
    feeds = {x: value}
    lengths = None
    if sequence_length is not None:
        lengths = tf.placeholder(tf.int32, [None], name="lengths")
        feeds[lengths] = sequence_length
    outputs, state = tf.nn.dynamic_rnn(cell_fn(tf), x, dtype=tf.float32, sequence_length=lengths,
                                       time_major=time_major)
    fetches = {"outputs": outputs}
    fetches.update(_states("state", state))
    return _with_gradients(tf, fetches, [x]), feeds


CELLS = {
    "basic_rnn": lambda tf: tf.nn.rnn_cell.BasicRNNCell(UNITS),
    "basic_rnn_relu": lambda tf: tf.nn.rnn_cell.BasicRNNCell(UNITS, activation=tf.nn.relu),
    "basic_lstm": lambda tf: tf.nn.rnn_cell.BasicLSTMCell(UNITS),
    "basic_lstm_concat_state": lambda tf: tf.nn.rnn_cell.BasicLSTMCell(
        UNITS, forget_bias=0.5, state_is_tuple=False),
    "lstm": lambda tf: tf.nn.rnn_cell.LSTMCell(UNITS),
    "lstm_peephole_clip_proj": lambda tf: tf.nn.rnn_cell.LSTMCell(
        UNITS, use_peepholes=True, cell_clip=0.3, num_proj=2, proj_clip=0.25, forget_bias=0.7),
    "lstm_proj_concat_state": lambda tf: tf.nn.rnn_cell.LSTMCell(UNITS, num_proj=3,
                                                                 state_is_tuple=False),
    "gru": lambda tf: tf.nn.rnn_cell.GRUCell(UNITS),
    "multi_lstm_gru": lambda tf: tf.nn.rnn_cell.MultiRNNCell(
        [tf.nn.rnn_cell.BasicLSTMCell(UNITS), tf.nn.rnn_cell.GRUCell(4)]),
    "multi_concat_state": lambda tf: tf.nn.rnn_cell.MultiRNNCell(
        [tf.nn.rnn_cell.GRUCell(UNITS), tf.nn.rnn_cell.BasicRNNCell(4)], state_is_tuple=False),
    "dropout_keep_one": lambda tf: tf.nn.rnn_cell.DropoutWrapper(
        tf.nn.rnn_cell.BasicLSTMCell(UNITS), input_keep_prob=1.0, output_keep_prob=1.0),
    "residual_gru": lambda tf: tf.nn.rnn_cell.ResidualWrapper(tf.nn.rnn_cell.GRUCell(DEPTH)),
}


def _bidirectional_static(tf):
    xs, feeds = _step_inputs(tf)
    lengths = tf.placeholder(tf.int32, [None], name="lengths")
    feeds[lengths] = LENGTHS
    outputs, state_fw, state_bw = tf.nn.static_bidirectional_rnn(
        tf.nn.rnn_cell.BasicLSTMCell(UNITS), tf.nn.rnn_cell.GRUCell(4), xs, dtype=tf.float32,
        sequence_length=lengths)
    fetches = {f"output/{t}": o for t, o in enumerate(outputs)}
    fetches.update(_states("state_fw", state_fw))
    fetches.update(_states("state_bw", state_bw))
    return _with_gradients(tf, fetches, xs[:2]), feeds


def _reverse_sequence(tf):
    x, value = _inputs(tf)
    lengths = tf.placeholder(tf.int64, [None], name="lengths")
    reversed_ = tf.reverse_sequence(x, lengths, seq_axis=1, batch_axis=0)
    return _with_gradients(tf, {"reversed": reversed_}, [x]), {x: value, lengths: LENGTHS}


STATIC_CASES = {f"static/{name}": (lambda tf, fn=fn: _static(tf, fn)) for name, fn in CELLS.items()}
STATIC_CASES["static_lengths/basic_lstm"] = lambda tf: _static(tf, CELLS["basic_lstm"], LENGTHS)
STATIC_CASES["static_lengths/multi_lstm_gru"] = lambda tf: _static(tf, CELLS["multi_lstm_gru"], LENGTHS)
STATIC_CASES["static_lengths/lstm_peephole_clip_proj"] = lambda tf: _static(
    tf, CELLS["lstm_peephole_clip_proj"], LENGTHS)
STATIC_CASES["static_bidirectional"] = _bidirectional_static
STATIC_CASES["reverse_sequence"] = _reverse_sequence

DYNAMIC_CASES = {
    "dynamic/basic_lstm": lambda tf: _dynamic(tf, CELLS["basic_lstm"]),
    "dynamic/gru": lambda tf: _dynamic(tf, CELLS["gru"]),
    "dynamic/multi_lstm_gru": lambda tf: _dynamic(tf, CELLS["multi_lstm_gru"]),
    "dynamic/lstm_peephole_clip_proj": lambda tf: _dynamic(tf, CELLS["lstm_peephole_clip_proj"]),
    "dynamic_time_major/basic_lstm": lambda tf: _dynamic(tf, CELLS["basic_lstm"], time_major=True),
    "dynamic_lengths/basic_lstm": lambda tf: _dynamic(tf, CELLS["basic_lstm"], LENGTHS),
    "dynamic_lengths/multi_lstm_gru": lambda tf: _dynamic(tf, CELLS["multi_lstm_gru"], LENGTHS),
    "dynamic_lengths/basic_rnn_time_major": lambda tf: _dynamic(tf, CELLS["basic_rnn"], LENGTHS,
                                                                time_major=True),
}


def _bidirectional_dynamic(tf, lengths_value=None, time_major=False):
    x, value = _inputs(tf, time_major=time_major)
    feeds = {x: value}
    lengths = None
    if lengths_value is not None:
        lengths = tf.placeholder(tf.int32, [None], name="lengths")
        feeds[lengths] = lengths_value
    (out_fw, out_bw), (state_fw, state_bw) = tf.nn.bidirectional_dynamic_rnn(
        tf.nn.rnn_cell.BasicLSTMCell(UNITS), tf.nn.rnn_cell.GRUCell(4), x, sequence_length=lengths,
        dtype=tf.float32, time_major=time_major)
    fetches = {"output_fw": out_fw, "output_bw": out_bw}
    fetches.update(_states("state_fw", state_fw))
    fetches.update(_states("state_bw", state_bw))
    return _with_gradients(tf, fetches, [x]), feeds


def _dynamic_initial_state(tf):
    x, value = _inputs(tf)
    cell = tf.nn.rnn_cell.LSTMCell(UNITS, num_proj=2)
    c0 = tf.placeholder(tf.float32, [None, UNITS], name="c0")
    h0 = tf.placeholder(tf.float32, [None, 2], name="h0")
    lengths = tf.placeholder(tf.int32, [None], name="lengths")
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths,
                                       initial_state=tf.nn.rnn_cell.LSTMStateTuple(c0, h0),
                                       scope="encoder")
    fetches = {"outputs": outputs}
    fetches.update(_states("state", state))
    feeds = {x: value, c0: fixed([BATCH, UNITS], "c0"), h0: fixed([BATCH, 2], "h0"),
             lengths: SHORT_LENGTHS}
    return _with_gradients(tf, fetches, [x, c0, h0]), feeds


def _raw_rnn(tf):
    """The docstring example of tf.nn.raw_rnn: time-major inputs read from a TensorArray,
    finished at each entry's length, plus an emit structure and a loop state (a step count)."""
    x, value = _inputs(tf, time_major=True)
    lengths = tf.placeholder(tf.int32, [None], name="lengths")
    cell = tf.nn.rnn_cell.LSTMCell(UNITS, num_proj=2)
    inputs_ta = tf.TensorArray(tf.float32, size=STEPS).unstack(x)
    batch = tf.shape(x)[1]

    def loop_fn(time, cell_output, cell_state, loop_state):
        if cell_output is None:
            next_state = cell.zero_state(batch, tf.float32)
            emit = (tf.zeros([2]), tf.zeros([UNITS]))
            loop_state = tf.constant(0)
        else:
            next_state = cell_state
            emit = (cell_output * 2.0, cell_state.c)
            loop_state = loop_state + 1
        finished = time >= lengths
        next_input = tf.cond(tf.reduce_all(finished), lambda: tf.zeros([batch, DEPTH]),
                             lambda: inputs_ta.read(time))
        return finished, next_input, next_state, emit, loop_state

    (emit_out, emit_c), state, steps = tf.nn.raw_rnn(cell, loop_fn)
    fetches = {"emit_out": emit_out.stack(), "emit_c": emit_c.stack(),
               "steps": tf.cast(steps, tf.float32)}
    fetches.update(_states("state", state))
    return _with_gradients(tf, fetches, [x]), {x: value, lengths: SHORT_LENGTHS}


DYNAMIC_CASES["raw_rnn"] = _raw_rnn
DYNAMIC_CASES["dynamic_short_lengths/gru"] = lambda tf: _dynamic(tf, CELLS["gru"], SHORT_LENGTHS)
DYNAMIC_CASES["dynamic_initial_state/lstm_proj"] = _dynamic_initial_state
DYNAMIC_CASES["bidirectional_dynamic"] = lambda tf: _bidirectional_dynamic(tf)
DYNAMIC_CASES["bidirectional_dynamic_lengths"] = lambda tf: _bidirectional_dynamic(tf, LENGTHS)
DYNAMIC_CASES["bidirectional_dynamic_time_major_lengths"] = lambda tf: _bidirectional_dynamic(
    tf, SHORT_LENGTHS, time_major=True)


# LSTMBlockCell: (use_peephole, cell_clip) per case; TF records its BlockLSTM op's results
# (whose gradient passes straight through cell_clip, as TF1's LSTMBlockCell did).
BLOCK_CASES = {"block/plain": (False, -1.0), "block/peephole": (True, -1.0),
               "block/peephole_clip": (True, 0.4)}
BLOCK_FORGET_BIAS = 0.7


def block_values(peephole):
    """Time-major inputs, initial state and the cell's weights (zero peepholes without them)."""
    values = {"x": fixed([STEPS, BATCH, DEPTH], "inputs", 1.0),
              "c0": fixed([BATCH, UNITS], "c0"), "h0": fixed([BATCH, UNITS], "h0"),
              "kernel": fixed([DEPTH + UNITS, 4 * UNITS], "kernel"),
              "bias": fixed([4 * UNITS], "bias")}
    for name in ("w_i_diag", "w_f_diag", "w_o_diag"):
        values[name] = fixed([UNITS], name) if peephole else np.zeros([UNITS], np.float32)
    return values


def block_loss(tf, h, c_last):
    """A fixed weighted sum of every step's h and the last memory."""
    return (tf.reduce_sum(h * tf.constant(fixed([STEPS, BATCH, UNITS], "wh", 1.0)))
            + tf.reduce_sum(c_last * tf.constant(fixed([BATCH, UNITS], "wc", 1.0))))


def run_case(tf, build):
    """Builds `build(tf)` in a new graph, sets fixed weights and returns (values, var names)."""
    with tf.Graph().as_default():
        fetches, feeds = build(tf)
        variables = sorted(tf.global_variables(), key=lambda v: v.name)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for v in variables:
                shape = v.get_shape().as_list()
                sess.run(tf.assign(v, fixed(shape, v.op.name)))
            values = sess.run(fetches, feeds)
    return {k: np.asarray(v) for k, v in values.items()}, [v.name for v in variables]
