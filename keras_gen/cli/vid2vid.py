"""`keras-gen train vid2vid --data moving_digits|digits|PATH` and
`keras-gen translate RUN [--video PATH]`."""

import os

import numpy as np

from keras_gen.cli import arguments
from keras_gen.cli import runs
from keras_gen.cli import training
from keras_gen.utils import check_positive_int

TRANSLATE_OPTIONS = {"videos": 4, "frames": 16}
EVALUATE_OPTIONS = {"videos": 32, "frames": 16}
SYNTHETIC = ("moving_digits", "mnist", "digits")
SIDE_BY_SIDE = "side_by_side.gif"
# Videos shown in the side-by-side GIF of a run.
SHOWN = 4


def add_train_arguments(parser, model_name):
    parser.add_argument("--image-size", type=arguments.positive_int, default=None,
                        help="frame side (moving digits: default 64; a PATH: its own, resized)")
    parser.add_argument("--videos", type=arguments.positive_int, default=2000,
                        help="moving digits: training videos to draw")
    parser.add_argument("--clip-frames", type=arguments.positive_int, default=4,
                        help="frames of each training clip (a PATH's videos are cut to it)")
    parser.add_argument("--num-classes", type=arguments.positive_int, default=None,
                        help="classes of a PATH's label maps (default: its largest id + 1)")
    parser.add_argument("--generator-filters", type=arguments.positive_int, default=16,
                        help="filters of the generator's first layer (doubled at each downsampling)")
    parser.add_argument("--discriminator-filters", type=arguments.positive_int, default=16,
                        help="filters of the discriminators' first layer")
    parser.add_argument("--l1-weight", type=arguments.non_negative_float, default=100.0,
                        help="weight of the L1 term of each frame")
    parser.add_argument("--learning-rate", type=arguments.positive_float, default=2e-4,
                        help="Adam learning rate of every network")
    parser.add_argument("--no-pix2pix", action="store_true",
                        help="skip the per-frame Pix2Pix trained for the side-by-side GIF")


def load_videos(data, split="train", count=64, frames=16, image_size=None, seed=0):
    """Videos of `--data` as a dict (`maps`, `frames`, and `flow`/`visible` when known).

    `moving_digits` and `mnist` draw MNIST digits (from `$KERAS_GEN_DATA` or
    `keras.datasets`), `digits` scikit-learn's embedded digits (no
    download); a folder (`maps/`, `frames/`) or an `.npz` is cut into
    `frames`-frame windows.
    """
    from keras_gen.data import load_digits
    from keras_gen.data import load_video_folder
    from keras_gen.data import load_video_npz
    from keras_gen.data import moving_digits

    if data in SYNTHETIC:
        source = load_digits(split=split) if data == "digits" else None
        return moving_digits(count, frames, image_size or 64, split=split, seed=seed,
                             source=source)
    path = os.fspath(data)
    if os.path.isdir(path):
        return load_video_folder(path, image_size=image_size, length=frames)
    if path.endswith(".npz") and os.path.isfile(path):
        videos = load_video_npz(path, length=frames)
        if image_size is not None and videos["maps"].shape[-1] != image_size:
            raise ValueError(f"Expected `--image-size` to match the .npz videos "
                             f"({videos['maps'].shape[-1]} px; only folders are resized). "
                             f"Received: --image-size={image_size}")
        return videos
    raise ValueError(f"Expected `--data` to be one of {SYNTHETIC}, a folder with maps/ and "
                     f"frames/, or an .npz of videos. Received: data={data!r}")


def _inputs(videos):
    return {key: videos[key] for key in ("maps", "flow", "visible") if key in videos}


def _rgb_maps(maps, num_classes):
    from keras_gen.utils.video_gif import color_maps

    return color_maps(maps, num_classes)


def save_side_by_side(path, videos, num_classes, columns):
    """One row per video: its maps, then each video of `columns` (a list of arrays)."""
    from keras_gen.utils.video_gif import save_video_gif

    shown = []
    for n in range(len(videos["maps"])):
        shown.append(_rgb_maps(videos["maps"][n], num_classes))
        shown.extend(column[n] for column in columns)
    return save_video_gif(path, shown, rows=len(videos["maps"]))


def _warping(frames, videos):
    from keras_gen.metrics.warping_error import warping_error

    return warping_error(frames, videos["flow"], videos["visible"]) if "flow" in videos else None


def _pix2pix(args, videos, model, batch_size, epochs):
    """The per-frame baseline, trained on the same frames for the same steps."""
    import keras

    from keras_gen.models.pix2pix import Pix2Pix
    from keras_gen.models.vid2vid import one_hot_maps

    size, classes = model.image_size, model.num_classes
    baseline = Pix2Pix(image_size=size, input_channels=classes, output_channels=model.channels,
                       generator_filters=args.generator_filters,
                       discriminator_filters=args.discriminator_filters)
    baseline.compile(keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
                     keras.optimizers.Adam(args.learning_rate, beta_1=0.5))
    source = one_hot_maps(videos["maps"], classes).reshape((-1, size, size, classes))
    target = videos["frames"].reshape((-1, size, size, model.channels))
    baseline.fit(source, target, batch_size=batch_size * videos["maps"].shape[1], epochs=epochs,
                 verbose=args.verbose)
    return baseline


def _translate_frames(baseline, maps, num_classes):
    from keras_gen.models.vid2vid import one_hot_maps

    frames = baseline.translate(one_hot_maps(maps.reshape((-1,) + maps.shape[2:]), num_classes))
    return frames.reshape(maps.shape + (frames.shape[-1],))


def train(args, run_dir):
    import keras

    from keras_gen.models.vid2vid import Vid2Vid

    synthetic = args.data in SYNTHETIC
    videos = load_videos(args.data, "train", args.videos, args.clip_frames, args.image_size,
                         args.seed)
    test = (load_videos(args.data, "test", SHOWN, 16, args.image_size, args.seed + 1)
            if synthetic else {k: v[:SHOWN] for k, v in videos.items() if k != "videos"})
    if "frames" not in videos:
        raise ValueError(f"Expected frames with the maps of `--data` (a frames/ folder or a "
                         f"'frames' array). Received: data={args.data!r} with maps only")
    num_classes = args.num_classes or (11 if synthetic else int(videos["maps"].max()) + 1)
    model = Vid2Vid(image_size=videos["maps"].shape[-1], num_classes=num_classes,
                    channels=videos["frames"].shape[-1],
                    generator_filters=args.generator_filters,
                    discriminator_filters=args.discriminator_filters, l1_weight=args.l1_weight)
    model.compile(*(keras.optimizers.Adam(args.learning_rate, beta_1=0.5) for _ in range(3)))
    batch_size, epochs = args.batch_size or 4, args.epochs or 2
    history = model.fit(_inputs(videos), videos["frames"], batch_size=batch_size, epochs=epochs,
                        verbose=args.verbose,
                        callbacks=training.training_callbacks(args, run_dir, model))
    runs.save_model(model, run_dir)
    runs.write_data_record(run_dir, {"image_shape": list(videos["frames"].shape[2:]),
                                     "num_classes": num_classes, "value_range": [-1.0, 1.0]})
    generated = model.translate_video(test["maps"])
    columns = [test["frames"], generated]
    metrics = {name: float(values[-1]) for name, values in history.history.items()}
    metrics["test_warping_error"] = _warping(generated, test)
    if not args.no_pix2pix:
        baseline = _pix2pix(args, videos, model, batch_size, epochs)
        per_frame = _translate_frames(baseline, test["maps"], num_classes)
        columns.append(per_frame)
        metrics["pix2pix_test_warping_error"] = _warping(per_frame, test)
    save_side_by_side(os.path.join(run_dir, SIDE_BY_SIDE), test, num_classes, columns)
    metrics["side_by_side"] = SIDE_BY_SIDE + " (maps | real | Vid2Vid" + (
        ")" if args.no_pix2pix else " | per-frame Pix2Pix)")
    return {key: value for key, value in metrics.items() if value is not None}


def _check_output(path, run_dir):
    path = path or os.path.join(run_dir, "translation.gif")
    if not path.endswith(".gif"):
        raise ValueError(f"Expected `--output` to end with .gif (an .npz of the frames is "
                         f"written next to it). Received: --output={path!r}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"Expected `--output` in an existing folder. Received: --output={path!r}")
    return path


def translate(args, run_dir, model):
    """Translates `--video` (a maps folder or .npz; default: test videos of the run's data);
    writes an animated GIF (maps | generated | real when known) and an .npz of the frames."""
    from keras_gen.utils import atomic_path

    options = arguments.check_options(args.options, TRANSLATE_OPTIONS)
    path = _check_output(args.output, run_dir)
    if args.video:
        from keras_gen.data import load_video_folder
        from keras_gen.data import load_video_npz

        video = os.fspath(args.video)
        if os.path.isdir(video):
            videos = load_video_folder(video, image_size=model.image_size)
        elif video.endswith(".npz") and os.path.isfile(video):
            videos = load_video_npz(video)
        else:
            raise ValueError(f"Expected `--video` to be a folder holding maps/ or an .npz with "
                             f"'maps'. Received: --video={video!r}")
    else:
        recorded = runs.read_run(run_dir)["args"]
        data = args.data or recorded["data"]
        count = check_positive_int("videos", options["videos"])
        frames = check_positive_int("frames", options["frames"], minimum=2)
        videos = load_videos(data, "test", count, frames, model.image_size, args.seed)
        videos = {k: v[:count] for k, v in videos.items() if k != "videos"}
    generated = model.translate_video(videos["maps"])  # checks the maps before any writing
    columns = [generated] + ([videos["frames"]] if "frames" in videos else [])
    save_side_by_side(path, {"maps": videos["maps"][:SHOWN]}, model.num_classes,
                      [column[:SHOWN] for column in columns])
    frames_path = path[: -len(".gif")] + ".npz"
    with atomic_path(frames_path) as tmp:
        np.savez(tmp, frames=generated, maps=videos["maps"])
    print(f"maps | generated{' | real' if len(columns) > 1 else ''} of "
          f"{min(SHOWN, len(generated))} video(s): {path}")
    print(f"  frames {generated.shape} (float32 in [-1, 1]): {frames_path}")
    warping = _warping(generated, videos)
    if warping is not None:
        print(f"  warping error (true flow): {warping:.4f}")
    return path


def evaluate(args, run_dir, model):
    """Warping error of held-out videos of `--data` (default: the run's), when they have flow."""
    options = arguments.check_options(args.options, EVALUATE_OPTIONS)
    data = args.data or runs.read_run(run_dir)["args"]["data"]
    videos = load_videos(data, "test", check_positive_int("videos", options["videos"]),
                         check_positive_int("frames", options["frames"], minimum=2),
                         model.image_size, args.seed)
    generated = model.translate_video(videos["maps"])
    result = {"test_l1": float(np.abs(generated - videos["frames"]).mean() / 2.0)}
    warping = _warping(generated, videos)
    if warping is not None:
        result["test_warping_error"] = warping
    return result
