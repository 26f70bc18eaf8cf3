"""The TF1 public surface of graphflow (imported into `graphflow` by its __init__)."""

# ruff: noqa: F401
from graphflow import (
    compat,
    contrib,
    errors,
    image,
    initializers,
    layers,
    linalg,
    logging,
    losses,
    math,
    nest,
    nn,
    random,
    regularizers,
    test,
    train,
)
from graphflow._scopes import (
    add_to_collection,
    add_to_collections,
    control_dependencies,
    device,
    get_collection,
    get_collection_ref,
    name_scope,
)
from graphflow.api.array import (
    broadcast_to,
    check_numerics,
    eye,
    fill,
    identity,
    matrix_transpose,
    ones,
    placeholder,
    placeholder_with_default,
    rank,
    reshape,
    shape,
    size,
    stop_gradient,
    zeros,
)
from graphflow.api.clip import clip_by_global_norm, clip_by_norm, global_norm
from graphflow.api.control_flow import case, cond, while_loop
from graphflow.api.graph_utils import (
    dimension_value,
    is_tensor,
    moving_average_variables,
    tables_initializer,
)
from graphflow.api.indexing import (
    boolean_mask,
    clip_by_value,
    concat,
    expand_dims,
    gather,
    gather_nd,
    invert_permutation,
    newaxis,
    one_hot,
    pad,
    range,
    reverse,
    reverse_v2,
    scatter_nd,
    sequence_mask,
    slice,
    split,
    squeeze,
    stack,
    strided_slice,
    tile,
    transpose,
    unsorted_segment_sum,
    unstack,
)
from graphflow.api.math import (
    abs,
    add,
    add_n,
    arg_max,
    arg_min,
    argmax,
    argmin,
    cast,
    ceil,
    cos,
    div,
    div_no_nan,
    divide,
    equal,
    erf,
    exp,
    expm1,
    floor,
    floor_div,
    floordiv,
    floormod,
    greater,
    greater_equal,
    is_finite,
    is_nan,
    less,
    less_equal,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    matmul,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    not_equal,
    ones_like,
    pow,
    realdiv,
    reciprocal,
    reduce_all,
    reduce_any,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    round,
    rsqrt,
    scalar_mul,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    squared_difference,
    subtract,
    tanh,
    to_double,
    to_float,
    to_int32,
    to_int64,
    truediv,
    where,
    where_v2,
    zeros_like,
)
from graphflow.api.math_compose import (
    count_nonzero,
    is_inf,
    log_sigmoid,
    reduce_logsumexp,
    truncatediv,
    truncatemod,
)
from graphflow.api.random import random_normal, random_uniform, truncated_normal
from graphflow.compat._switches import (
    disable_eager_execution,
    disable_resource_variables,
    disable_v2_behavior,
    disable_v2_tensorshape,
    enable_eager_execution,
    enable_v2_behavior,
    executing_eagerly,
    executing_eagerly_outside_functions,
)
from graphflow.framework.constant import constant, convert_to_tensor
from graphflow.framework.dtypes import (
    DType,
    as_dtype,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
    uint16,
    uint32,
    uint64,
)
from graphflow.framework.dtypes import (
    bool_ as bool,
)
from graphflow.framework.graph import Graph, GraphKeys, get_default_graph, reset_default_graph
from graphflow.framework.initializers import (
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from graphflow.framework.random_seed import set_random_seed
from graphflow.framework.tensor import Operation, Tensor
from graphflow.framework.tensor_shape import Dimension, TensorShape
from graphflow.framework.variable_scope import (
    AUTO_REUSE,
    VariableScope,
    get_variable,
    get_variable_scope,
    variable_scope,
)
from graphflow.framework.variables import (
    Variable,
    VariableV1,
    all_variables,
    assign,
    assign_add,
    assign_sub,
    global_variables,
    global_variables_initializer,
    group,
    initialize_all_variables,
    is_variable_initialized,
    local_variables,
    local_variables_initializer,
    model_variables,
    no_op,
    report_uninitialized_variables,
    trainable_variables,
    variables_initializer,
)
from graphflow.framework.variables import (
    local_variables_initializer as initialize_local_variables,
)
from graphflow.framework.variables import (
    variables_initializer as initialize_variables,
)
from graphflow.gradients import gradients, hessians
from graphflow.image import random_crop
from graphflow.session.config import ConfigProto, GPUOptions, RunMetadata, RunOptions
from graphflow.session.session import InteractiveSession, Session, get_default_session

# strings (kept as one block: other changes to this file merge around it)
# isort: split
from graphflow import dtypes, strings
from graphflow.api.strings import (
    as_string,
    reduce_join,
    regex_replace,
    string_join,
    string_strip,
    string_to_number,
    substr,
)

# program scaffolding (tf.app, tf.flags, tf.gfile, tf.io.gfile; tf.logging and tf.test above)
# isort: split
from graphflow import app, flags, gfile, io

# summaries (kept as one block: other changes to this file merge around it)
# isort: split
from graphflow import summary

# recurrent networks (kept as one block: other changes to this file merge around it)
# isort: split
from graphflow.nn_rnn.reverse import reverse_sequence

# TensorArray (kept as one block: other changes to this file merge around it)
# isort: split
from graphflow.api.functional import foldl, foldr, map_fn, scan
from graphflow.framework.dtypes import variant
from graphflow.tensor_array import TensorArray

__all__ = [n for n in dir() if not n.startswith("_")]
