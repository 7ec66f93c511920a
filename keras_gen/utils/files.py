"""Atomic file writing: a file is either absent or complete, never half written."""

import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_path(path, suffix=None):
    """Yields a temporary path in `path`'s folder, renamed onto `path` on success.

    Args:
        path: the final file path. Its folder must exist.
        suffix: suffix of the temporary file (some writers, such as
            `keras.Model.save`, insist on a particular extension). Defaults to
            the extension of `path`.

    Returns:
        A context manager yielding the temporary path. If the body raises, the
        temporary file is removed and `path` is left untouched.

    Example:

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "out.txt")
    >>> with atomic_path(target) as tmp:
    ...     with open(tmp, "w") as f:
    ...         _ = f.write("hello")
    >>> open(target).read()
    'hello'
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(
            f"Expected `path` to be in an existing folder. Received: path={path!r} "
            f"(folder {folder!r} does not exist)"
        )
    if suffix is None:
        suffix = os.path.splitext(path)[1]
    handle, tmp = tempfile.mkstemp(
        prefix=".tmp-" + os.path.basename(path) + "-", suffix=suffix, dir=folder
    )
    os.close(handle)
    try:
        yield tmp
        if os.path.isfile(tmp):
            # mkstemp creates 0600 files; give the usual permissions, as open() would.
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            if os.path.isdir(tmp):
                import shutil

                shutil.rmtree(tmp, ignore_errors=True)
            else:
                os.remove(tmp)
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask
