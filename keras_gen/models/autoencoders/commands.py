"""`keras-gen train ae|dae|sae|cae|stacked-ae` and `keras-gen evaluate` for autoencoders."""

import json
import os

import numpy as np

from keras_gen.utils import atomic_path

MODEL_NAMES = ("ae", "dae", "sae", "cae", "stacked-ae")


def _ints(text):
    return tuple(int(part) for part in str(text).split(",") if part.strip())


def add_data_arguments(parser):
    parser.add_argument("--limit", type=int, default=None, help="train on at most this many samples")
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--architecture", choices=("dense", "conv"), default="dense")
    parser.add_argument("--hidden-units", type=_ints, default=(256,),
                        help="dense hidden sizes, comma separated (e.g. 512,256)")
    parser.add_argument("--filters", type=_ints, default=(32, 64),
                        help="conv channels per stride-2 layer, comma separated")


def add_train_arguments(parser, model_name):
    """Adds the options of `keras-gen train <model_name>`."""
    add_data_arguments(parser)
    parser.add_argument("--reconstruction-loss", choices=("mse", "binary_crossentropy"),
                        default="binary_crossentropy")
    parser.add_argument("--weight-decay", type=float, default=0.0)
    if model_name == "stacked-ae":
        parser.add_argument("--layer-sizes", type=_ints, default=(256, 128, 32),
                            help="encoder sizes, bottom first; the last is the code")
        parser.add_argument("--pretrain-epochs", type=int, default=5)
        parser.add_argument("--pretrain-weight-decay", type=float, default=1e-5)
        parser.add_argument("--sparsity-weight", type=float, default=0.0)
        parser.add_argument("--sparsity-target", type=float, default=0.05)
        return
    parser.add_argument("--code-dim", type=int, default=32)
    if model_name == "dae":
        parser.add_argument("--corruption", choices=("gaussian", "masking", "salt_and_pepper"),
                            default="masking")
        parser.add_argument("--corruption-level", type=float, default=0.3)
    elif model_name == "sae":
        parser.add_argument("--sparsity", choices=("kl", "l1"), default="kl")
        parser.add_argument("--sparsity-weight", type=float, default=0.1)
        parser.add_argument("--sparsity-target", type=float, default=0.05)
    elif model_name == "cae":
        parser.add_argument("--contraction-weight", type=float, default=0.1)
        parser.add_argument("--jacobian", choices=("auto", "exact", "estimate"), default="auto")


def load_split(data, split, architecture, limit=None, seed=0):
    """Images in [0, 1] as rows (dense) or NHWC (conv), their labels and one image's shape."""
    from keras_gen.data import load_dataset

    x, y = load_dataset(data, split=split, scale="unit", limit=limit, seed=seed)
    image_shape = tuple(x.shape[1:])
    if architecture == "dense" or x.ndim == 2:
        x = x.reshape(len(x), -1)
    return x, y, image_shape


def write_data_info(run_dir, image_shape):
    with atomic_path(os.path.join(run_dir, "data_info.json")) as tmp:
        with open(tmp, "w") as handle:
            json.dump({"image_shape": list(image_shape)}, handle)


def read_data_info(run_dir):
    path = os.path.join(run_dir, "data_info.json")
    if not os.path.isfile(path):
        return None
    with open(path) as handle:
        return tuple(json.load(handle)["image_shape"])


def save_model(model, run_dir):
    path = os.path.join(run_dir, "model.keras")
    with atomic_path(path) as tmp:
        model.save(tmp)
    return path


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
                        validation_data=(x_test,), verbose=args.verbose)
    save_model(model, run_dir)
    write_data_info(run_dir, image_shape)
    _pictures(model, run_dir, x_test, y_test, image_shape)
    metrics.update({
        "epochs": epochs,
        "train_loss": float(history.history["loss"][-1]),
        "test_loss": float(history.history["val_loss"][-1]),
        "test_squared_error": _reconstruction_mse(model, x_test),
    })
    return metrics


def add_evaluate_arguments(parser):
    """`keras-gen evaluate` has no options of its own for autoencoders."""


def evaluate(args, run_dir, model):
    """Test squared reconstruction error (sum over pixels, mean over images)."""
    from keras_gen.cli import read_run

    record = read_run(run_dir)
    data = args.data or record["args"]["data"]
    architecture = record["args"].get("architecture", "dense")
    x, y, image_shape = load_split(data, "test", architecture)
    _pictures(model, run_dir, x, y, read_data_info(run_dir) or image_shape)
    return {"test_squared_error": _reconstruction_mse(model, x)}
