"""`keras-gen train ae|dae|sae|cae|stacked-ae` and `keras-gen evaluate` for autoencoders."""

import os

import numpy as np

from keras_gen.cli import arguments
from keras_gen.cli import runs
from keras_gen.cli import training

MODEL_NAMES = ("ae", "dae", "sae", "cae", "stacked-ae")


def add_train_arguments(parser, model_name):
    """Adds the options of `keras-gen train <model_name>`."""
    arguments.add_network_arguments(parser)
    parser.add_argument("--reconstruction-loss", choices=("mse", "binary_crossentropy"),
                        default="binary_crossentropy", help="per-pixel reconstruction loss")
    parser.add_argument("--weight-decay", type=arguments.non_negative_float, default=0.0,
                        help="L2 penalty on the kernels")
    if model_name == "stacked-ae":
        parser.add_argument("--layer-sizes", type=arguments.int_list, default=(256, 128, 32),
                            help="encoder sizes, bottom first; the last is the code")
        parser.add_argument("--pretrain-epochs", type=arguments.positive_int, default=5,
                            help="epochs of each layer's greedy pretraining")
        parser.add_argument("--pretrain-weight-decay", type=arguments.non_negative_float, default=1e-5,
                            help="L2 penalty during pretraining")
        parser.add_argument("--sparsity-weight", type=arguments.non_negative_float, default=0.0,
                            help="weight of the KL sparsity penalty (0: off)")
        parser.add_argument("--sparsity-target", type=arguments.fraction, default=0.05,
                            help="target mean activation of the sparsity penalty")
        return
    parser.add_argument("--code-dim", type=arguments.positive_int, default=32, help="code size")
    if model_name == "dae":
        parser.add_argument("--corruption", choices=("gaussian", "masking", "salt_and_pepper"),
                            default="masking", help="input corruption")
        parser.add_argument("--corruption-level", type=arguments.fraction, default=0.3,
                            help="share of corrupted pixels (masking, salt and pepper) or noise std")
    elif model_name == "sae":
        parser.add_argument("--sparsity", choices=("kl", "l1"), default="kl", help="sparsity penalty")
        parser.add_argument("--sparsity-weight", type=arguments.non_negative_float, default=0.1,
                            help="weight of the sparsity penalty")
        parser.add_argument("--sparsity-target", type=arguments.fraction, default=0.05,
                            help="target mean activation (kl)")
    elif model_name == "cae":
        parser.add_argument("--contraction-weight", type=arguments.non_negative_float, default=0.1,
                            help="weight of the Jacobian penalty")
        parser.add_argument("--jacobian", choices=("auto", "exact", "estimate"), default="auto",
                            help="exact for a sigmoid code layer, a finite-difference estimate otherwise")


def load_split(data, split, architecture, limit=None, seed=0):
    """Images in [0, 1] as rows (dense) or NHWC (conv), their labels and one image's shape."""
    return runs.load_split(data, split, flatten=architecture == "dense", limit=limit, seed=seed)


def _build(args, data_shape):
    from keras_gen.models import autoencoders as family

    common = {"reconstruction_loss": args.reconstruction_loss, "weight_decay": args.weight_decay,
              "seed": args.seed}
    if args.model == "stacked-ae":
        return family.StackedAutoencoder(
            int(np.prod(data_shape)), layer_sizes=args.layer_sizes,
            pretrain_weight_decay=args.pretrain_weight_decay, sparsity_weight=args.sparsity_weight,
            sparsity_target=args.sparsity_target, **common)
    cls, extra = {
        "ae": (family.Autoencoder, {}),
        "dae": (family.DenoisingAutoencoder, {"corruption": getattr(args, "corruption", None),
                                              "corruption_level": getattr(args, "corruption_level", None)}),
        "sae": (family.SparseAutoencoder, {"sparsity": getattr(args, "sparsity", None),
                                           "sparsity_weight": getattr(args, "sparsity_weight", None),
                                           "sparsity_target": getattr(args, "sparsity_target", None)}),
        "cae": (family.ContractiveAutoencoder, {"contraction_weight": getattr(args, "contraction_weight", None),
                                                "jacobian": getattr(args, "jacobian", None)}),
    }[args.model]
    if args.architecture == "conv":
        return cls.conv(data_shape, args.code_dim, filters=args.filters, **extra, **common)
    return cls.dense(data_shape, args.code_dim, hidden_units=args.hidden_units, **extra, **common)


def _reconstruction_mse(model, x):
    import keras

    out = keras.ops.convert_to_numpy(model.predict(x, batch_size=256, verbose=0))
    return float(np.mean(np.sum((out - x).reshape(len(x), -1) ** 2, axis=1)))


def _pictures(model, run_dir, x, y, image_shape):
    import keras

    from keras_gen.utils.plots import plot_latent_manifold
    from keras_gen.utils.plots import plot_latent_scatter
    from keras_gen.utils.plots import plot_reconstructions

    shown = x[:20]
    plot_reconstructions(os.path.join(run_dir, "reconstructions.png"), shown, model.reconstruct(shown),
                         columns=10, image_shape=image_shape)
    codes = keras.ops.convert_to_numpy(model.encode(x[:2000]))
    if y is not None:
        plot_latent_scatter(os.path.join(run_dir, "latent_scatter.png"), codes, y[:2000],
                            title=f"{type(model).__name__} codes")
    if codes.shape[1] == 2:
        low, high = np.quantile(codes, [0.02, 0.98])
        plot_latent_manifold(os.path.join(run_dir, "latent_manifold.png"), model.decode,
                             latent_range=(float(low), float(high)), image_shape=image_shape)


def train(args, run_dir):
    """Trains an autoencoder on `args.data`; saves the model and its pictures."""
    import keras

    epochs = args.epochs or 10
    batch_size = args.batch_size or 128
    x, _, image_shape = load_split(args.data, "train", args.architecture, args.limit, args.seed)
    x_test, y_test, _ = load_split(args.data, "test", args.architecture)
    model = _build(args, x.shape[1:])
    metrics = {}
    if args.model == "stacked-ae":
        losses = model.pretrain(x, epochs=args.pretrain_epochs, batch_size=batch_size,
                                learning_rate=args.learning_rate, verbose=args.verbose)
        metrics["pretrain_losses"] = losses
    model.compile(optimizer=keras.optimizers.Adam(args.learning_rate))
    history = model.fit(x, epochs=epochs, batch_size=batch_size, shuffle=True,
                        callbacks=training.training_callbacks(args, run_dir, model),
                        validation_data=(x_test,), verbose=args.verbose)
    runs.save_model(model, run_dir)
    runs.write_data_record(run_dir, {"image_shape": image_shape})
    _pictures(model, run_dir, x_test, y_test, image_shape)
    metrics.update({
        "epochs": epochs,
        "train_loss": float(history.history["loss"][-1]),
        "test_loss": float(history.history["val_loss"][-1]),
        "test_squared_error": _reconstruction_mse(model, x_test),
    })
    return metrics


def evaluate(args, run_dir, model):
    """Test squared reconstruction error (sum over pixels, mean over images)."""
    record = runs.read_run(run_dir)
    data = args.data or record["args"]["data"]
    architecture = record["args"].get("architecture", "dense")
    x, y, image_shape = load_split(data, "test", architecture)
    _pictures(model, run_dir, x, y, runs.image_shape(run_dir, image_shape))
    return {"test_squared_error": _reconstruction_mse(model, x)}
