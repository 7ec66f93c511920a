"""`python -m keras_gen.apps [RUN_DIRS...] [--host --port --concurrency]`."""

import sys

from keras_gen.apps.launcher import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
