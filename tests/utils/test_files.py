import os

import pytest

from keras_gen.utils.files import atomic_path


def test_a_finished_write_replaces_the_file_with_the_usual_permissions(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with atomic_path(str(target)) as tmp:
        assert os.path.dirname(tmp) == str(tmp_path) and tmp != str(target)
        with open(tmp, "w") as handle:
            handle.write("new")
        assert target.read_text() == "old"  # not replaced before the end
    assert target.read_text() == "new"
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(target).st_mode & 0o777 == 0o666 & ~mask


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(str(target)) as tmp:
            with open(tmp, "w") as handle:
                handle.write("half")
            raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_the_suffix_follows_the_target_unless_given(tmp_path):
    with atomic_path(str(tmp_path / "model.keras")) as tmp:
        assert tmp.endswith(".keras")
        open(tmp, "w").close()
    with atomic_path(str(tmp_path / "weights"), suffix=".npz") as tmp:
        assert tmp.endswith(".npz")
        open(tmp, "w").close()


def test_the_folder_must_exist(tmp_path):
    with pytest.raises(ValueError, match="existing folder"):
        with atomic_path(str(tmp_path / "missing" / "out.txt")):
            pass
