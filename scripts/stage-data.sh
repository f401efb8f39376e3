#!/usr/bin/env bash
# Copy the course's data sets into docker/data/ (the Docker build context) so that the
# image bakes them in. The source is AUTOGRADER_DATA, else ../shared/data. The image holds
# the worker's view of the data: the held-out half of the Fashion-MNIST test labels is
# scrambled (autograder/exercises/data.py), since only the judge may read those labels.
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir="${AUTOGRADER_DATA:-../shared/data}"
python="${PYTHON:-python3}"
find docker/data -mindepth 1 -maxdepth 1 ! -name .keep -exec rm -rf {} +
for part in FashionMNIST MNIST SST-2 tatoeba glove; do
  [ -e "$source_dir/$part" ] || echo "missing $source_dir/$part (the image will be built without it)" >&2
done
PYTHONPATH=. "$python" -c 'import sys; from pathlib import Path; from autograder.exercises.data import worker_view
worker_view(Path(sys.argv[1]), Path(sys.argv[2]))' "$source_dir" docker/data
echo "staged $(ls docker/data | tr '\n' ' ')"
