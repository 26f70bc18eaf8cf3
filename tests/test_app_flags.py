"""tf.app.run and tf.flags: a script run in a subprocess, behaviour recorded from TF 2.21 compat.v1 (absl)."""

import os
import subprocess
import sys
import textwrap

import pytest

from graphflow import flags

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = textwrap.dedent('''
    import sys
    import graphflow as tf

    tf.flags.DEFINE_string("name", "dflt", "a name")
    tf.flags.DEFINE_boolean("flag", True, "a switch")
    tf.app.flags.DEFINE_list("items", "a,b", "a list")
    tf.flags.DEFINE_enum("mode", "x", ["x", "y"], "a choice")
    tf.flags.DEFINE_integer("n", 3, "a count")
    tf.flags.DEFINE_float("lr", 0.5, "a rate")
    FLAGS = tf.flags.FLAGS

    def main(argv):
        print("ARGV", argv[1:], FLAGS.name, FLAGS.flag, FLAGS.items, FLAGS.mode, FLAGS.n, FLAGS.lr)
        return 3

    if __name__ == "__main__":
        if sys.argv[1:2] == ["early"]:
            print("EARLY", FLAGS.name)
        tf.app.run()
''')


def _run(tmp_path, *args):
    script = tmp_path / "prog.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_app_run_parses_flags_and_exits_with_main_result(tmp_path):
    # absl (TF 2.21): ARGV ['f.py', '--unk=1', 'pos'] z False ['c', 'd'] y 5; unknown flags stay in argv.
    out = _run(tmp_path, "--name=z", "--noflag", "--items=c,d", "--mode=y", "--n", "5", "--lr=0.25",
               "--unk=1", "pos")
    assert out.returncode == 3, out.stderr
    assert out.stdout.strip() == "ARGV ['--unk=1', 'pos'] z False ['c', 'd'] y 5 0.25"


def test_flag_access_before_run_parses_argv(tmp_path):
    # TF1's tf.flags wrapper parses sys.argv on first access, keeping what it does not know.
    out = _run(tmp_path, "early", "--name", "q", "--flag=false")
    assert out.returncode == 3, out.stderr
    assert out.stdout.splitlines() == ["EARLY q", "ARGV ['early'] q False ['a', 'b'] x 3 0.5"]


@pytest.mark.parametrize("arg, message", [("--mode=zz", "value should be one of <x|y>"),
                                          ("--n=abc", "flag --n=abc"),
                                          ("--n", "Missing value for flag --n"),
                                          ("--flag=yes", "boolean")])
def test_bad_flag_values_fail_with_status_1(tmp_path, arg, message):
    out = _run(tmp_path, arg)
    assert out.returncode == 1
    assert "IllegalFlagValueError" in out.stderr and message in out.stderr


@pytest.mark.parametrize("arg", ["--help", "-?", "--helpfull"])
def test_help_lists_flags_and_exits_1_as_absl(tmp_path, arg):
    out = _run(tmp_path, arg)
    assert out.returncode == 1
    assert "--[no]flag: a switch" in out.stdout and "--items: a list" in out.stdout


def test_dash_h_is_an_argument_as_absl(tmp_path):
    out = _run(tmp_path, "-h")
    assert out.returncode == 3 and out.stdout.strip() == "ARGV ['-h'] dflt True ['a', 'b'] x 3 0.5"


def _fresh():
    values = flags.FlagValues()
    flags.DEFINE_integer("n", 3, "h", flag_values=values, lower_bound=0, upper_bound=10)
    flags.DEFINE_boolean("b", False, "h", flag_values=values)
    flags.DEFINE_enum("e", "a", ["a", "B"], "h", flag_values=values, case_sensitive=False)
    return values


def test_flag_values_parsing_rules():
    values = _fresh()
    # absl: ['p', 'x', '--n', '4', 'y', '--', '--n=5'] -> ['p', 'x', 'y', '--n=5'], n == 4
    assert values(["p", "x", "--n", "4", "y", "--", "--n=5"]) == ["p", "x", "y", "--n=5"]
    assert values.n == 4 and values.b is False
    values.unparse_flags()
    assert not values.is_parsed()
    assert values(["p", "-n=7", "-b", "--e=b"]) == ["p"]
    assert (values.n, values.b, values.e) == (7, True, "B")
    values(["p", "--b=0"])
    assert values.b is False
    values.n = 9
    assert values.flag_values_dict() == {"n": 9, "b": False, "e": "B"}


def test_flag_errors():
    values = _fresh()
    with pytest.raises(flags.UnrecognizedFlagError, match="Unknown command line flag 'unk'"):
        values(["p", "--unk"])
    assert values(["p", "--unk"], known_only=True) == ["p", "--unk"]
    with pytest.raises(flags.IllegalFlagValueError, match="upper bound"):
        values(["p", "--n=11"])
    with pytest.raises(flags.DuplicateFlagError):
        flags.DEFINE_string("n", "x", "again", flag_values=values)
    with pytest.raises(flags.IllegalFlagValueError, match="default"):
        flags.DEFINE_integer("m", "abc", "h", flag_values=values)
    with pytest.raises(AttributeError):
        values.nothing  # noqa: B018
    assert issubclass(flags.IllegalFlagValueError, flags.Error)


def test_required_flag():
    values = flags.FlagValues()
    flags.DEFINE_string("data_dir", None, "where the data is", flag_values=values)
    flags.mark_flag_as_required("data_dir", flag_values=values)
    # absl: "flag --data_dir=None: Flag --data_dir must have a value other than None."
    with pytest.raises(flags.IllegalFlagValueError, match="must have a value other than None"):
        values(["p"])
    assert values(["p", "--data_dir=/d"]) == ["p"] and values.data_dir == "/d"
    with pytest.raises(KeyError):
        flags.mark_flag_as_required("nope", flag_values=values)
