"""`python -m apps [RUN_DIRS...]` from a source checkout: the demo lives in `keras_gen.apps`."""

import sys

from keras_gen.apps.launcher import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
