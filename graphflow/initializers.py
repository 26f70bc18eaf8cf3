"""`tf.initializers`: variable initializers by their TF1 names."""

# ruff: noqa: F401
from graphflow.api.graph_utils import tables_initializer
from graphflow.framework.initializers import (
    Constant as constant,
)
from graphflow.framework.initializers import (
    GlorotNormal as glorot_normal,
)
from graphflow.framework.initializers import (
    GlorotUniform as glorot_uniform,
)
from graphflow.framework.initializers import (
    Initializer,
    get,
    he_normal,
    he_uniform,
    lecun_normal,
    lecun_uniform,
)
from graphflow.framework.initializers import (
    Ones as ones,
)
from graphflow.framework.initializers import (
    RandomNormal as random_normal,
)
from graphflow.framework.initializers import (
    RandomUniform as random_uniform,
)
from graphflow.framework.initializers import (
    TruncatedNormal as truncated_normal,
)
from graphflow.framework.initializers import (
    VarianceScaling as variance_scaling,
)
from graphflow.framework.initializers import (
    Zeros as zeros,
)
from graphflow.framework.variables import (
    global_variables_initializer as global_variables,
)
from graphflow.framework.variables import (
    local_variables_initializer as local_variables,
)
from graphflow.framework.variables import (
    variables_initializer as variables,
)
