"""What the demo's endpoint tests share: reading the pictures it serves, writing inputs."""

import numpy as np
from PIL import Image


def picture(path):
    image = np.asarray(Image.open(path).convert("RGB"), dtype="float32")
    assert image.std() > 0, f"{path} is a blank picture"
    return image


def write(tmp_path, name, array, mode=None):
    path = str(tmp_path / name)
    Image.fromarray(array, mode).save(path)
    return path


def sketch_value(path):
    from gradio_client import handle_file

    return {"background": handle_file(path), "layers": [], "composite": handle_file(path)}


def assert_still_serving(client):
    picture(client.predict(0, 4, api_name="/gan_sample"))


def bundle_of(bundles, model_class):
    return next(bundle for bundle in bundles if bundle.model_class == model_class)
