"""Print the package's dependencies for pip, less torch and torchvision, which come with the
base image (its CUDA build): pip must never swap them for another build.

    python requirements.py pyproject.toml > requirements.txt
"""

import re
import sys
import tomllib

BASE_IMAGE_PROVIDES = {"torch", "torchvision"}

with open(sys.argv[1], "rb") as f:
    dependencies = tomllib.load(f)["project"]["dependencies"]
for requirement in dependencies:
    name = re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower()
    if name not in BASE_IMAGE_PROVIDES:
        print(requirement)
