"""Vid2Vid: video-to-video synthesis (Wang et al., 2018).

`Vid2Vid` is the model; `sequential_generator`, `multiscale_discriminator`
and `temporal_discriminator` build its networks, `flow_warp` / `FlowWarp`
warp frames by optical flow, and `rollout_video` runs a per-frame generator
(a Keras model or an exported artifact) over label-map videos.
"""

from keras_gen.models.vid2vid.flow_warp import FlowWarp
from keras_gen.models.vid2vid.flow_warp import flow_warp
from keras_gen.models.vid2vid.multiscale_discriminator import multiscale_discriminator
from keras_gen.models.vid2vid.rollout import one_hot_maps
from keras_gen.models.vid2vid.rollout import rollout_video
from keras_gen.models.vid2vid.sequential_generator import sequential_generator
from keras_gen.models.vid2vid.temporal_discriminator import temporal_discriminator
from keras_gen.models.vid2vid.vid2vid import Vid2Vid
