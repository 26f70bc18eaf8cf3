"""tf.gfile / tf.io.gfile: file operations and the error classes TF 2.21's compat.v1 raises (recorded)."""

import os

import pytest

import graphflow as tf


@pytest.fixture
def tmp(tmp_path):
    return str(tmp_path)


def _write(path, text):
    with tf.gfile.GFile(path, "w") as f:
        f.write(text)


def test_write_read_text_and_bytes(tmp):
    path = os.path.join(tmp, "a.txt")
    _write(path, "hi\nthere\n")
    assert tf.gfile.GFile(path).read() == "hi\nthere\n"
    assert tf.gfile.GFile(path, "rb").read() == b"hi\nthere\n"
    assert tf.gfile.GFile(path).readlines() == ["hi\n", "there\n"]
    assert list(tf.gfile.FastGFile(path)) == ["hi\n", "there\n"]
    assert tf.gfile.GFile(path).size() == 9
    f = tf.gfile.Open(path)
    f.seek(3)
    assert (f.tell(), f.read(2)) == (3, "th")
    with tf.gfile.GFile(path, "a") as f:
        f.write(b"more")
    assert tf.gfile.GFile(path, "rb").read() == b"hi\nthere\nmore"


def test_file_errors_as_tf(tmp):
    missing = os.path.join(tmp, "missing")
    assert not tf.gfile.Exists(missing) and not tf.gfile.IsDirectory(missing)
    for call in (lambda: tf.gfile.GFile(missing).read(), lambda: tf.gfile.Remove(missing),
                 lambda: tf.gfile.ListDirectory(missing), lambda: tf.gfile.Stat(missing),
                 lambda: tf.gfile.DeleteRecursively(missing)):
        with pytest.raises(tf.errors.NotFoundError):
            call()
    with pytest.raises(tf.errors.InvalidArgumentError, match="mode"):
        tf.gfile.GFile(missing, "x")
    path = os.path.join(tmp, "a")
    _write(path, "x")
    with pytest.raises(tf.errors.PermissionDeniedError, match="open for writing"):
        tf.gfile.GFile(path, "r").write("y")
    with pytest.raises(tf.errors.PermissionDeniedError, match="open for reading"):
        tf.gfile.GFile(path, "w").read()
    with pytest.raises(tf.errors.FailedPreconditionError):
        tf.gfile.Remove(tmp)
    with pytest.raises(tf.errors.FailedPreconditionError, match="not a directory"):
        tf.gfile.MakeDirs(path)
    with pytest.raises(tf.errors.NotFoundError):
        tf.gfile.MkDir(os.path.join(tmp, "x", "y"))


def test_copy_rename_overwrite(tmp):
    a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
    _write(a, "A")
    _write(b, "B")
    with pytest.raises(tf.errors.AlreadyExistsError):
        tf.gfile.Copy(a, b)
    with pytest.raises(tf.errors.AlreadyExistsError):
        tf.gfile.Rename(a, b)
    tf.gfile.Copy(a, b, overwrite=True)
    assert tf.gfile.GFile(b).read() == "A"
    c = os.path.join(tmp, "c")
    tf.gfile.Rename(a, c)
    assert not tf.gfile.Exists(a) and tf.gfile.GFile(c).read() == "A"
    tf.gfile.Rename(c, b, overwrite=True)
    assert sorted(tf.gfile.ListDirectory(tmp)) == ["b"]


def test_dirs_glob_walk_stat(tmp):
    nested = os.path.join(tmp, "d", "e")
    tf.gfile.MakeDirs(nested)
    tf.gfile.MakeDirs(nested)  # an existing directory is fine
    tf.gfile.MkDir(nested)
    _write(os.path.join(nested, "f.txt"), "12345")
    _write(os.path.join(tmp, "g.txt"), "")
    assert tf.gfile.IsDirectory(nested)
    assert sorted(tf.gfile.Glob(os.path.join(tmp, "*.txt"))) == [os.path.join(tmp, "g.txt")]
    walked = list(tf.gfile.Walk(tmp))
    assert [w[0] for w in walked] == [tmp, os.path.join(tmp, "d"), nested]
    assert walked[2][2] == ["f.txt"]
    assert [w[0] for w in tf.gfile.Walk(tmp, in_order=False)][-1] == tmp
    assert list(tf.gfile.Walk(os.path.join(tmp, "nope"))) == []
    st = tf.gfile.Stat(os.path.join(nested, "f.txt"))
    assert (st.length, st.is_directory) == (5, False)
    assert st.mtime_nsec == os.stat(os.path.join(nested, "f.txt")).st_mtime_ns
    assert tf.gfile.Stat(nested).is_directory
    tf.gfile.DeleteRecursively(os.path.join(tmp, "d"))
    assert not tf.gfile.Exists(os.path.join(tmp, "d"))


def test_io_gfile_aliases(tmp):
    g = tf.io.gfile
    path = os.path.join(tmp, "sub", "x")
    g.makedirs(os.path.dirname(path))
    with g.GFile(path, "wb") as f:
        f.write(b"\x00\x01")
    assert g.exists(path) and g.isdir(os.path.dirname(path))
    assert g.listdir(os.path.dirname(path)) == ["x"]
    assert g.stat(path).length == 2
    g.copy(path, path + "2")
    g.rename(path + "2", path + "3")
    assert sorted(g.glob(os.path.join(tmp, "sub", "*"))) == [path, path + "3"]
    g.remove(path + "3")
    assert [w[2] for w in g.walk(tmp)] == [[], ["x"]]
    g.rmtree(os.path.join(tmp, "sub"))
    assert not g.exists(path)
    with pytest.raises(tf.errors.NotFoundError):
        g.remove(path)
