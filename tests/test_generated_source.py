"""The kernel cache folder is trusted only as far as it must be (graphflow.generated_source):
a planted source file with the right name but other content is neither run nor believed, the
folder is created private, and a folder others may write to (or another user owns) is replaced
by a private temporary one with a warning. Machine code cached by numba still carries over to
the next process."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import graphflow as tf
from graphflow import generated_source as generated
from graphflow.backends import cpu_fused

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SOURCE = textwrap.dedent("""\
    from numba import njit


    @njit(cache=True)
    def kernel(a, out):
        for i in range(a.shape[0]):
            out[i] = a[i] * 2.0 + 1.0
""")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh cache folder for this test, and no module or folder remembered from others."""
    folder = tmp_path / "kernels"
    monkeypatch.setenv("GF_CACHE_DIR", str(folder))
    monkeypatch.setattr(generated, "_modules", {})
    monkeypatch.setattr(generated, "_checked_dirs", {}, raising=False)
    monkeypatch.setattr(cpu_fused, "_kernels", {})
    return folder


def _path_for(folder, source: str, prefix: str):
    import hashlib

    return folder / f"{prefix}_{hashlib.sha256(source.encode()).hexdigest()[:20]}.py"


def _planted(marker) -> str:
    """A module that would announce it ran and return garbage from `kernel`."""
    return textwrap.dedent(f"""\
        open({str(marker)!r}, "w").close()


        def kernel(a, out):
            out[:] = 42.0
    """)


def _doubled(module) -> np.ndarray:
    a = np.arange(5.0)
    out = np.empty(5)
    module.kernel(a, out)
    return out


def test_the_folder_is_created_private(cache):
    assert generated.cache_dir() == str(cache)
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700


def test_a_planted_file_with_the_right_name_is_not_run_and_is_rewritten(cache, tmp_path):
    cache.mkdir(mode=0o700)
    marker = tmp_path / "planted_code_ran"
    path = _path_for(cache, SOURCE, "probe")
    path.write_text(_planted(marker))
    module = generated.load_generated(SOURCE, "probe")
    np.testing.assert_array_equal(_doubled(module), np.arange(5.0) * 2 + 1)  # not 42s
    assert not marker.exists()
    assert path.read_text() == SOURCE


@pytest.mark.parametrize("planted", ["prefix", "extended", "link"])
def test_almost_right_files_are_rewritten(cache, tmp_path, planted):
    cache.mkdir(mode=0o700)
    path = _path_for(cache, SOURCE, "probe")
    elsewhere = tmp_path / "elsewhere.py"
    elsewhere.write_text(SOURCE)
    if planted == "prefix":  # a truncated copy
        path.write_text(SOURCE[:-10])
    elif planted == "extended":  # the right source plus more
        path.write_text(SOURCE + "kernel = None\n")
    else:  # the right content, but through a link to a file outside the folder
        path.symlink_to(elsewhere)
    module = generated.load_generated(SOURCE, "probe")
    np.testing.assert_array_equal(_doubled(module), np.arange(5.0) * 2 + 1)
    assert not path.is_symlink() and path.read_text() == SOURCE
    assert elsewhere.read_text() == SOURCE  # the link's target is left alone


def test_a_planted_fused_kernel_gives_no_garbage_in_a_session(cache, tmp_path):
    """The issue's finding: a planted file silently returned garbage from a session run."""
    cache.mkdir(mode=0o700)
    marker = tmp_path / "planted_code_ran"
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [32, 32])
        y = tf.exp(x) * 7.0 + 0.25
        data = np.linspace(-1, 1, 32 * 32).reshape(32, 32)
        with tf.Session() as sess:
            sess.run(y, {x: data})  # learn the program's source and file name
            (plan,) = sess._plans.values()
    (node,) = [n for n in plan.order if n.type == "_FusedElementwise"]
    source = cpu_fused.kernel_source(node.attrs["program"])
    path = _path_for(cache, source, "fused")
    assert path.read_text() == source
    path.write_text(_planted(marker).replace("def kernel(a, out)", "def kernel(*args)")
                    .replace("out[:] = 42.0", "args[-1][:] = 42.0"))
    generated._modules.clear()
    cpu_fused._kernels.clear()
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [32, 32])
        y = tf.exp(x) * 7.0 + 0.25
        with tf.Session() as sess:
            value = sess.run(y, {x: data})
    np.testing.assert_allclose(value, np.exp(data) * 7.0 + 0.25, rtol=1e-14)
    assert not marker.exists() and path.read_text() == source


def _fallback(cache, caplog) -> str:
    with caplog.at_level(logging.WARNING, logger="graphflow"):
        used = generated.cache_dir()
    assert used != str(cache)
    owner = os.stat(cache.parent).st_uid  # this process's user (os.getuid may be patched)
    assert stat.S_IMODE(os.stat(used).st_mode) == 0o700 and os.stat(used).st_uid == owner
    assert any("Not using the kernel cache folder" in r.getMessage() and str(cache) in
               r.getMessage() for r in caplog.records)
    return used


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_a_folder_others_may_write_is_not_used(cache, tmp_path, caplog, mode):
    cache.mkdir()
    os.chmod(cache, mode)
    marker = tmp_path / "planted_code_ran"
    _path_for(cache, SOURCE, "probe").write_text(_planted(marker))
    used = _fallback(cache, caplog)
    module = generated.load_generated(SOURCE, "probe")
    assert os.path.dirname(module.__file__) == used
    np.testing.assert_array_equal(_doubled(module), np.arange(5.0) * 2 + 1)
    assert not marker.exists() and [p.name for p in cache.iterdir()] == [
        _path_for(cache, SOURCE, "probe").name]  # nothing written to the shared folder


def test_a_folder_owned_by_another_user_is_not_used(cache, caplog, monkeypatch):
    cache.mkdir(mode=0o700)
    other = os.stat(cache).st_uid + 1
    monkeypatch.setattr(os, "getuid", lambda: other)  # as if someone else had created it
    _fallback(cache, caplog)


def test_a_file_in_place_of_the_folder_is_not_used(cache, caplog):
    cache.write_text("not a folder")
    used = _fallback(cache, caplog)
    assert generated.load_generated(SOURCE, "probe").__file__.startswith(used)


@pytest.mark.parametrize("prefix", ["../up", "a.b", "X", "fused\n", "", "a" * 65])
def test_module_prefixes_are_plain_identifiers(cache, prefix):
    with pytest.raises(ValueError, match="prefix"):
        generated.load_generated(SOURCE, prefix)
    assert not cache.exists() or list(cache.iterdir()) == []


def test_compiled_code_is_reused_by_the_next_process(cache):
    cache.mkdir(mode=0o700)
    script = textwrap.dedent(f"""
        from graphflow.generated_source import load_generated
        import numpy as np
        kernel = load_generated({SOURCE!r}, "probe").kernel
        out = np.empty(3)
        kernel(np.arange(3.0), out)
        assert out.tolist() == [1.0, 3.0, 5.0], out
        print(sum(kernel.stats.cache_hits.values()), sum(kernel.stats.cache_misses.values()))
    """)
    env = {**os.environ, "GF_CACHE_DIR": str(cache)}
    runs = [subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=300) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr
    assert [r.stdout.split() for r in runs] == [["0", "1"], ["1", "0"]]  # compiled, then loaded
