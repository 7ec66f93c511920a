"""CycleGAN: unpaired image-to-image translation (Zhu et al., 2017).

`CycleGAN` is the model; `resnet_generator` builds its generators,
`ImagePool` is the discriminators' history of fakes and
`LinearDecaySchedule` the paper's learning-rate schedule.
"""

from keras_gen.models.cyclegan.cyclegan import CycleGAN
from keras_gen.models.cyclegan.image_pool import ImagePool
from keras_gen.models.cyclegan.linear_decay_schedule import LinearDecaySchedule
from keras_gen.models.cyclegan.resnet_generator import resnet_generator
