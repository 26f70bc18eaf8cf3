"""`tf.strings`: string ops (TF1.15's namespace; `split` is not provided, see api/strings.py)."""

# ruff: noqa: F401
from graphflow.api.strings import (
    as_string,
    format,
    join,
    length,
    lower,
    regex_full_match,
    regex_replace,
    strip,
    substr,
    to_number,
    upper,
)
from graphflow.api.strings import (
    strings_reduce_join as reduce_join,
)
