"""Helpers of the command-line tests."""

import os


def tiny_ae(run, *extra):
    """The command line of a tiny autoencoder run (about a second to train)."""
    return ["train", "ae", "--data", "digits", "--limit", "64", "--epochs", "1",
            "--hidden-units", "8", "--code-dim", "2", "--verbose", "0", "--output", str(run),
            *extra]


def snapshot(folder):
    """The bytes of each file of a folder, to show that nothing changed."""
    return {name: (folder / name).read_bytes() for name in sorted(os.listdir(folder))
            if (folder / name).is_file()}
