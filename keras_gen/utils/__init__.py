"""Small helpers shared by the models: argument checks, atomic files, image grids."""

from keras_gen.utils.files import atomic_path
from keras_gen.utils.images import image_grid
from keras_gen.utils.images import save_image_grid
from keras_gen.utils.images import save_image_strip
from keras_gen.utils.validation import check_array
from keras_gen.utils.validation import check_class_labels
from keras_gen.utils.validation import check_in
from keras_gen.utils.validation import check_non_negative
from keras_gen.utils.validation import check_positive_int
from keras_gen.utils.validation import check_probability
from keras_gen.utils.validation import check_seed
