import sys

from keras_gen.cli.main import main

sys.exit(main())
