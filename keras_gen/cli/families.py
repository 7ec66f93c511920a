"""The models `keras-gen train` knows and the module of each family.

Kept apart from the family modules so that listing the models (for `--help`
and for checking a run's record) imports nothing.
"""

__all__ = ["MODELS", "MODEL_HELP", "family"]

# model name -> family module under keras_gen.cli
MODELS = {
    "rbm": "rbm",
    "crbm": "rbm",
    "dbn": "dbn",
    "dbm": "dbm",
    "ae": "autoencoders",
    "dae": "autoencoders",
    "sae": "autoencoders",
    "cae": "autoencoders",
    "stacked-ae": "autoencoders",
    "vae": "vae",
    "gan": "gan",
    "dcgan": "gan",
    "cgan": "gan",
    "pix2pix": "pix2pix",
    "cyclegan": "cyclegan",
    "vid2vid": "vid2vid",
}
MODEL_HELP = {
    "rbm": "restricted Boltzmann machine (CD-k / PCD; Bernoulli or Gaussian visible units)",
    "crbm": "classification RBM (data + one-hot label units)",
    "dbn": "deep belief network (greedy RBM stack)",
    "dbm": "two-layer deep Boltzmann machine",
    "ae": "autoencoder",
    "dae": "denoising autoencoder",
    "sae": "sparse autoencoder",
    "cae": "contractive autoencoder",
    "stacked-ae": "deep autoencoder, pretrained layer by layer",
    "vae": "variational autoencoder",
    "gan": "GAN with dense networks",
    "dcgan": "deep convolutional GAN",
    "cgan": "class-conditional DCGAN",
    "pix2pix": "paired image-to-image translation (U-Net + PatchGAN)",
    "cyclegan": "unpaired image-to-image translation",
    "vid2vid": "label-map video to video, consistent over time (flow-warping generator)",
}


def family(model_name):
    """The `keras_gen.cli` module of a model's family, imported now (plain
    imports, so that readers and tools can follow each command to its code).

    Args:
        model_name: a key of `MODELS`.

    Returns:
        The module, with `add_train_arguments`, `train` and the run
        commands the family supports.

    Example:

    >>> family("dcgan").__name__
    'keras_gen.cli.gan'
    """
    name = MODELS[model_name]
    if name == "rbm":
        from keras_gen.cli import rbm as module
    elif name == "dbn":
        from keras_gen.cli import dbn as module
    elif name == "dbm":
        from keras_gen.cli import dbm as module
    elif name == "autoencoders":
        from keras_gen.cli import autoencoders as module
    elif name == "vae":
        from keras_gen.cli import vae as module
    elif name == "gan":
        from keras_gen.cli import gan as module
    elif name == "pix2pix":
        from keras_gen.cli import pix2pix as module
    elif name == "vid2vid":
        from keras_gen.cli import vid2vid as module
    else:
        from keras_gen.cli import cyclegan as module
    return module
