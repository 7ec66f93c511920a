"""The `--options` keys of `sample`, `evaluate`, `interpolate` and `translate`.

One name means one thing in every family (the number of images `--fid`
compares is `fid_samples` for a GAN, a VAE or an RBM alike). The family
modules take their defaults from here, `check_options` refuses unknown keys
with the closest known one, and `keras-gen COMMAND --help` lists them. This
module imports nothing heavy, so `--help` stays instant.
"""

import json

__all__ = ["COUNT_HELP", "DEFAULTS", "MEANINGS", "OUTPUT_HELP", "defaults", "describe"]

MEANINGS = {
    "gibbs_steps": "Gibbs sweeps of each sample's chain",
    "start": "where the chains begin: 'persistent' (the chains PCD or joint training kept), 'marginals' "
             "(a draw of the visible biases' marginals) or 'auto' (persistent where trained)",
    "labels": "classes of the samples (cgan, crbm, labelled dbn or dbm): one integer for all, or a list",
    "steps": "frames of the walk",
    "method": "latent path: 'slerp' or 'linear'",
    "label": "class of the walk (cgan)",
    "fid_samples": "images of each set --fid compares (at most the test images)",
    "iwae_samples": "importance samples per test image of the IWAE bound (null: as trained)",
    "ais": "estimate the test log-likelihood by annealed importance sampling",
    "ais_runs": "AIS runs",
    "ais_betas": "AIS inverse temperatures",
    "bound_samples": "samples of the DBN's approximate posterior per test image in its lower bound",
    "split": "data split to evaluate: 'test' or 'train'",
    "limit": "training images used by the clustering and retrieval metrics (null: all)",
    "direction": "'a_to_b' or 'b_to_a'",
    "reverse": "translate targets -> inputs (null: as trained)",
}

_FID = {"fid_samples": 2000}
DEFAULTS = {
    "sample": {
        "rbm": {"gibbs_steps": 1000, "labels": None, "start": "auto"},
        "dbn": {"gibbs_steps": 1000, "labels": None, "start": "auto"},
        "dbm": {"gibbs_steps": 1000, "labels": None, "start": "auto"},
        "vae": {},
        "gan": {"labels": None},
    },
    "evaluate": {
        "rbm": {"ais": True, "ais_runs": 100, "ais_betas": 14500, "split": "test",
                "gibbs_steps": 1000, **_FID},
        "dbn": {"limit": None, "ais": True, "ais_runs": 100, "ais_betas": 14500, "bound_samples": 10,
                "gibbs_steps": 1000, **_FID},
        "dbm": {"limit": None, "ais": True, "ais_runs": 100, "ais_betas": 20000, "gibbs_steps": 1000,
                **_FID},
        "autoencoders": {},
        "vae": {"iwae_samples": None, **_FID},
        "gan": dict(_FID),
        "pix2pix": {"reverse": None, **_FID},
        "cyclegan": dict(_FID),
    },
    "interpolate": {
        "vae": {"steps": 10},
        "gan": {"steps": 10, "method": "slerp", "label": 0},
    },
    "translate": {
        "pix2pix": {"reverse": None},
        "cyclegan": {"direction": "a_to_b"},
    },
}


# What --count and --output mean for each run command (evaluate has neither:
# it writes metrics.json and RUN/evaluation/).
COUNT_HELP = {
    "sample": "images to draw (default 64)",
    "interpolate": "walks to draw (VAE; default 8)",
    "translate": "test images in the grid without --input (default 8)",
}
OUTPUT_HELP = {
    "sample": "PNG to write (default RUN/samples-seedN.png)",
    "interpolate": "strip PNG to write, with a GIF beside it (default RUN/interpolation-seedN.png)",
    "translate": "with --input: the folder for the translations (default RUN/translated, "
                 "CycleGAN RUN/translated_DIRECTION); else the grid PNG (default "
                 "RUN/translations-test.png, CycleGAN RUN/translations-test-DIRECTION.png)",
}


def defaults(command, family):
    """The `--options` keys `family` accepts for `command`, with their defaults.

    Example:

    >>> defaults("sample", "dbm")
    {'gibbs_steps': 1000, 'labels': None, 'start': 'auto'}
    """
    return dict(DEFAULTS[command].get(family, {}))


def describe(command):
    """The `--options` section of `keras-gen COMMAND --help`.

    Example:

    >>> print(describe("interpolate").splitlines()[1])
      steps         frames of the walk (gan: 10, vae: 10)
    """
    keys = []
    for family in DEFAULTS[command].values():
        keys.extend(key for key in family if key not in keys)
    lines = [f"--options keys of `{command}` (a JSON object; default per family):"]
    for key in keys:
        where = ", ".join(f"{family}: {json.dumps(values[key])}"
                          for family, values in sorted(DEFAULTS[command].items()) if key in values)
        lines.append(f"  {key:<13} {MEANINGS[key]} ({where})")
    return "\n".join(lines)

