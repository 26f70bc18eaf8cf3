"""`tf.dtypes`: the element types, `as_dtype`, `DType` and `cast` under TF1's namespace."""

# ruff: noqa: F401
from graphflow.api.math import cast
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
