"""Pretrained presets: `from_preset`, shipped names, hub URIs, `push_preset`.

```python
from keras_gen.models import DCGAN
model = DCGAN.from_preset("dcgan_mnist")           # shipped with the package
model = DCGAN.from_preset("hf://OWNER/NAME")       # downloaded once, hashes checked
```

A preset is a `keras-gen train` run folder with a card (`preset.json`:
data, training command, measured quality, SHA-256 of each file; and the
`README.md` rendered from it). The shipped ones live in
`keras_gen/presets/shipped/` and are made by `tools/train_presets.py`.
"""

from keras_gen.presets.loading import from_preset
from keras_gen.presets.push import push_preset
from keras_gen.presets.resolve import PRESET_PREFIX
from keras_gen.presets.resolve import list_presets
from keras_gen.presets.resolve import resolve_preset

__all__ = ["PRESET_PREFIX", "from_preset", "list_presets", "push_preset", "resolve_preset"]
