"""`preset:NAME` (and hub URIs) wherever a run folder is taken, `keras-gen presets`, `keras-gen push`.

A preset is a run folder with a card, so `sample`, `interpolate`,
`translate`, `export` and `demo` take one as they take a run. A shipped
preset lives inside the installed package: what a command writes goes to
the current folder instead (`NAME-samples.png`, `NAME-export/`), never into
the preset.
"""

import os

__all__ = ["is_preset", "list_presets", "push", "resolve"]

_URI_SCHEMES = ("hf://", "kaggle://")


def is_preset(text):
    """Whether a run argument names a preset (`preset:NAME` or a hub URI) rather than a folder."""
    from keras_gen.presets import PRESET_PREFIX

    text = str(text)
    return text.startswith(PRESET_PREFIX) or "://" in text


def resolve(text):
    """`(folder, card)` of a preset argument; the folder is a run folder with a card."""
    from keras_gen.presets import resolve_preset

    folder, card = resolve_preset(text)
    if not os.path.isdir(folder) or not os.path.isfile(os.path.join(folder, "run.json")):
        raise ValueError(f"Expected a preset made from a `keras-gen train` run (with run.json). "
                         f"Received: {text!r}")
    return folder, card


def bundled_data(folder, card):
    """The example data a preset ships (`examples.npz` of an image-to-image preset), or None."""
    name = (card or {}).get("examples")
    path = os.path.join(folder, name) if name else None
    return path if path and os.path.isfile(path) else None


def list_presets(args):
    """`keras-gen presets`: one line per shipped preset with its card figure."""
    from keras_gen.presets import list_presets as names
    from keras_gen.presets import resolve_preset

    for name in names():
        _, card = resolve_preset(name)
        quality = card.get("quality", {})
        value = quality.get("value")
        figure = f"{quality.get('metric')} {value:.4g}" if isinstance(value, float) else ""
        print(f"preset:{name:<22} {card['class']:<15} {card.get('title', ''):<48} {figure}")
    return 0


def push(args):
    """`keras-gen push RUN hf://OWNER/NAME`: uploads the run (or preset) with its card."""
    from keras_gen.presets import push_preset

    uri = push_preset(args.run, args.destination, message=args.message)
    print(f"pushed {args.run} to {uri}; load it with keras-gen sample preset:{uri} or "
          f"from_preset({uri!r})")
    return 0
