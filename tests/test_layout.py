"""The package's import graph follows docs/layout.md (checked by reading the source)."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent / "keras_gen"
BACKENDS = ("tensorflow", "jax", "torch")
# Where backend modules may be imported: the training machinery, and the
# export converters (TensorFlow is the converter; imported lazily there).
BACKEND_HOMES = ("trainers/", "export/converters.py", "export/latency.py", "export/_tensorflow_worker.py")
# The public bases and builders one family may take from another.
SHARED_BETWEEN_FAMILIES = {
    ("cyclegan", "pix2pix.patchgan_discriminator"),
    ("vid2vid", "pix2pix.patchgan_discriminator"),
    ("vid2vid", "pix2pix.unet_generator"),
    ("dbn", "rbm"),
    ("dbm", "rbm"),
    ("vae", "autoencoders.networks"),
}

pytestmark = pytest.mark.backends("tensorflow", reason="reads source files; one backend suffices")


def _imports():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                yield relative, name


IMPORTS = list(_imports())


def test_backends_are_imported_only_in_trainers_and_export_converters():
    leaks = sorted({(path, name) for path, name in IMPORTS
                    if name.split(".")[0] in BACKENDS and not path.startswith(BACKEND_HOMES)})
    assert leaks == []


def test_the_library_never_imports_the_command_line_or_the_demo():
    upward = sorted({(path, name) for path, name in IMPORTS
                     if name.startswith(("keras_gen.cli", "keras_gen.apps"))
                     and not path.startswith(("cli/", "apps/", "__main__.py"))})
    assert upward == []


def test_the_demo_never_imports_the_command_line():
    assert sorted({(p, n) for p, n in IMPORTS if p.startswith("apps/") and n.startswith("keras_gen.cli")}) == []


def test_model_families_import_each_other_only_through_public_bases():
    crossings = set()
    for path, name in IMPORTS:
        parts = path.split("/")
        if parts[0] != "models" or len(parts) < 3 or not name.startswith("keras_gen.models."):
            continue
        family, target = parts[1], name[len("keras_gen.models."):]
        if target.split(".")[0] in (family, "generative_model", "load_model", "import_all_families"):
            continue
        if not any(family == owner and (target == shared or target.startswith(shared + "."))
                   for owner, shared in SHARED_BETWEEN_FAMILIES):
            crossings.add((path, name))
    assert sorted(crossings) == []


def test_no_top_level_package_but_keras_gen_is_installed():
    text = (ROOT.parent / "pyproject.toml").read_text()
    assert 'include = ["keras_gen*"]' in text


def test_every_module_has_its_mirrored_test_file():
    """`keras_gen/a/b.py` is tested in `tests/a/test_b.py` (themed test files may exist besides)."""
    tests = ROOT.parent / "tests"
    missing = []
    for path in sorted(ROOT.rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        relative = path.relative_to(ROOT)
        if not (tests / relative.parent / f"test_{relative.name}").is_file():
            missing.append(f"{relative.as_posix()} -> tests/{(relative.parent / f'test_{relative.name}').as_posix()}")
    assert missing == []
