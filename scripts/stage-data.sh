#!/usr/bin/env bash
# Copy the course's data sets into docker/data/ (the Docker build context) so that the
# image bakes them in. The source is AUTOGRADER_DATA, else ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir="${AUTOGRADER_DATA:-../shared/data}"
mkdir -p docker/data
for part in FashionMNIST MNIST SST-2 tatoeba glove; do
  if [ -e "$source_dir/$part" ]; then
    cp -a "$source_dir/$part" docker/data/
    echo "staged $part"
  else
    echo "missing $source_dir/$part (the image will be built without it)" >&2
  fi
done
