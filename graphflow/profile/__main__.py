"""`python -m graphflow.profile`: mean per-op and per-name-scope kernel times, forward and
backward, of a program's training step or of a meta graph's fetches.

    python -m graphflow.profile [options] script.py [script arguments ...]
    python -m graphflow.profile [options] --meta model.meta --fetch loss --fetch train_op \\
        --feed-shapes x:64,784 y:64 [--checkpoint model.ckpt]

Options come before the script; everything after the script goes to it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _shape_spec(text: str) -> tuple[str, list[int]]:
    """`name:d1,d2,...` (the name may be a tensor name such as `x:0`; `name:` is a scalar)."""
    name, sep, dims = text.rpartition(":")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME:D1,D2,... (e.g. x:64,784), got {text!r}")
    try:
        return name, [int(d) for d in dims.split(",") if d.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"dimensions must be integers in {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m graphflow.profile",
        description="Mean per-op and per-name-scope kernel times (forward and backward) of a "
                    "program's most frequent session run, or of a meta graph's fetches.")
    parser.add_argument("--iterations", type=int, default=10, help="runs to average (default 10)")
    parser.add_argument("--warmup", type=int, default=2,
                        help="runs left out before them; the first compiles (default 2)")
    parser.add_argument("--top", type=int, default=25, help="slowest ops listed (default 25)")
    parser.add_argument("--depth", type=int, default=1, help="name-scope depth of the scope table")
    parser.add_argument("--chrome-trace", metavar="PATH",
                        help="also write the last averaged run as a Chrome trace (chrome://tracing)")
    meta = parser.add_argument_group("meta graph mode")
    meta.add_argument("--meta", metavar="FILE", help="a .meta file to profile instead of a script")
    meta.add_argument("--fetch", action="append", default=[], metavar="NAME",
                      help="a tensor or op to run (repeatable)")
    meta.add_argument("--feed-shapes", nargs="+", action="extend", type=_shape_spec, default=[],
                      metavar="NAME:DIMS", help="shapes of placeholders with unknown dimensions")
    meta.add_argument("--batch", type=int, help="fills unknown first dimensions of placeholders")
    meta.add_argument("--checkpoint", help="restore variables from this checkpoint prefix")
    meta.add_argument("--int-high", type=int, default=2,
                      help="integer feeds are drawn from [0, INT_HIGH) (default 2)")
    parser.add_argument("script", nargs="?", help="the Python program to profile")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the program's arguments")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if (args.meta is None) == (args.script is None):
        parser.error("give either a script or --meta")
    if args.iterations < 1 or args.warmup < 0:
        parser.error("--iterations must be at least 1 and --warmup at least 0")
    from graphflow.profile import profile_meta_graph, profile_script

    if args.meta is not None:
        if not args.fetch:
            parser.error("--meta needs at least one --fetch")
        from graphflow.framework import errors

        try:
            profile, runs = profile_meta_graph(
                args.meta, args.fetch, dict(args.feed_shapes), args.checkpoint, args.batch,
                args.iterations, args.warmup, args.int_high)
        except errors.InvalidArgumentError as e:
            if "must feed a value for placeholder" not in str(e):
                raise
            parser.exit(1, f"{parser.prog}: {e.message}\n(give its shape with --feed-shapes "
                           "NAME:D1,D2,... or fill an unknown batch dimension with --batch N)\n")
        title = f"graphflow profile: {args.meta} fetching {', '.join(args.fetch)}"
    else:
        profile, runs = profile_script(args.script, args.args, args.iterations, args.warmup)
        title = f"graphflow profile: {args.script} (its most frequent run, {len(runs)} runs after " \
                f"{args.warmup} warm-up)"
    sys.stdout.write(profile.format(top=args.top, depth=args.depth, title=title))
    if args.chrome_trace:
        from graphflow.timeline import Timeline

        with open(args.chrome_trace, "w") as f:
            f.write(Timeline(runs[-1]).generate_chrome_trace_format(show_dataflow=True))
        sys.stdout.write(f"\nChrome trace of the last run: {args.chrome_trace}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
