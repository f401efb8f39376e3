import sys

from autograder.worker.server import main

sys.exit(main(sys.argv[1:]))
