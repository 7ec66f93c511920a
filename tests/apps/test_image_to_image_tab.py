"""The image-to-image tabs through gradio_client: Pix2Pix and CycleGAN, both directions."""

import numpy as np
import pytest

gradio_client = pytest.importorskip("gradio_client")
from gradio_client import handle_file  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

from tests.apps.served import assert_still_serving  # noqa: E402
from tests.apps.served import picture  # noqa: E402
from tests.apps.served import write  # noqa: E402

pytestmark = pytest.mark.backends("tensorflow", reason="the demo serves backend-independent ONNX artifacts")


def test_image_to_image(client, demo_bundles, tmp_path):
    bundles, notes = demo_bundles
    paired = picture(client.predict(0, "generator", api_name="/image_to_image_example"))
    assert paired.shape[1] == 3 * 258 + 2  # input | translation | ground truth
    label_map = np.random.default_rng(0).integers(0, 255, (300, 200, 3), dtype="uint8")
    seen, output = client.predict(handle_file(write(tmp_path, "map.jpg", label_map)), "generator",
                                  api_name="/image_to_image_translate")
    assert picture(seen).shape == picture(output).shape
    if not any(bundle.model_class == "CycleGAN" for bundle in bundles):
        pytest.skip("no facades data for the test's tiny CycleGAN")
    # CycleGAN: both directions, unpaired examples (input | translation)
    for direction in ("generator", "generator_reverse"):
        unpaired = picture(client.predict(1, direction, api_name="/image_to_image2_example"))
        assert unpaired.shape[1] == 2 * 258 + 2
    with pytest.raises(AppError, match="sideways"):
        client.predict(1, "sideways", api_name="/image_to_image2_example")
    assert_still_serving(client)
