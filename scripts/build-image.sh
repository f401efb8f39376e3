#!/usr/bin/env bash
# Build the production grading image from Dockerfile, labelled with the code it holds.
#
#   scripts/build-image.sh [IMAGE]          (default autograder-worker:latest)
#
# BASE_IMAGE=pytorch/pytorch:...-runtime uses that base (a machine that can pull it). Without
# BASE_IMAGE the base is made here, for machines that reach no image registry (CI): Debian
# from Debian's packages (debootstrap), a Python virtual environment, and TORCH installed by
# pip from the package index, imported with `docker import`. The made base is kept, named by
# its recipe, and made again only when the recipe changes; Docker's layer cache keeps the
# Dockerfile's layers. TORCH defaults to torch==2.13.0 (the smallest workable build where the
# index serves a CPU build; elsewhere pip takes PyPI's CUDA build). PyPI's torchvision needs a
# CUDA torch: TORCH="torch==2.14.1 torchvision==0.29.1" makes a base that runs every unit's
# notebooks (about 5.5 GB). BASE_ONLY=1 stops after the base. PYTHON: a Python with the
# package's dependencies (scripts/stage-data.sh imports it). Needs root for debootstrap and chroot.
set -euo pipefail
cd "$(dirname "$0")/.."
image="${1:-autograder-worker:latest}"
torch="${TORCH:-torch==2.13.0}"
suite="${DEBIAN_SUITE:-bookworm}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
python="${PYTHON:-python3}"
export DOCKER_BUILDKIT=0  # the classic builder: every Docker daemon has it, no buildx needed

# One build at a time: CI starts one in the background and the image test waits for it here.
exec 9>"${TMPDIR:-/tmp}/autograder-image-build.lock"
flock 9

inside() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }  # none of this machine's pip settings
download() {  # this machine's pip, quiet unless it fails
  local log; log=$(mktemp)
  "$python" -m pip download --quiet --no-cache-dir "$@" >"$log" 2>&1 || { grep -v "^WARNING: Location" "$log" >&2; rm -f "$log"; return 1; }
  rm -f "$log"
}

make_base() {  # recipe: what goes into the made base; its text names the base
  local base="$1" root
  root=$(mktemp -d /var/tmp/autograder-base.XXXXXX)
  trap "umount -l '$root/proc' 2>/dev/null || true; rm -rf '$root'" RETURN
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates "$suite" "$root" "$mirror" \
    >"$root.log" 2>&1 || { tail -20 "$root.log"; return 1; }
  rm -f "$root.log"
  mount -t proc proc "$root/proc"
  inside chroot "$root" python3 -m venv /opt/venv
  # downloaded by this machine's pip, with its configuration (index, local wheels, caps,
  # certificates); installed inside the base without an index
  download --dest "$root/tmp/wheels" $torch
  inside chroot "$root" /opt/venv/bin/pip install --quiet --no-cache-dir --no-index --find-links /tmp/wheels $torch
  inside chroot "$root" /opt/venv/bin/python -c "import torch; print('base has torch', torch.__version__)" 2>/dev/null
  umount "$root/proc"
  rm -rf "$root/tmp/wheels" "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' - "$base" >/dev/null
}

if [ -n "${BASE_IMAGE:-}" ]; then
  base="$BASE_IMAGE"
else
  recipe=$( { echo "$suite $torch"; declare -f make_base; } | sha256sum | cut -c1-12)
  base="autograder-base:$suite-$recipe"
  if docker image inspect "$base" >/dev/null 2>&1; then
    echo "base $base: kept from an earlier build"
  else
    echo "base $base: making it (debootstrap $suite, $torch)"
    make_base "$base"
  fi
fi

[ -n "${BASE_ONLY:-}" ] && exit 0  # CI makes the base while the test environment installs

# the worker's view of the data sets (held-out labels scrambled), into the build context
PYTHON="$python" scripts/stage-data.sh

# The made base reaches no index from inside a build (no registry, and this machine's index
# may need its own certificates): this machine's pip downloads the dependencies instead.
# Kept while the requirements stay the same.
mkdir -p docker/wheels
pip_args=""
if [ -z "${BASE_IMAGE:-}" ]; then
  wanted=$( { "$python" docker/requirements.py pyproject.toml; echo "setuptools>=64"; } )  # and what builds the package
  if [ "$wanted" != "$(cat docker/wheels/requirements.txt 2>/dev/null)" ]; then
    find docker/wheels -mindepth 1 ! -name .keep -delete
    echo "$wanted" > docker/wheels/requirements.txt
    download --dest docker/wheels -r docker/wheels/requirements.txt
  fi
  pip_args="--no-index --find-links /tmp/wheels"
else
  find docker/wheels -mindepth 1 ! -name .keep -delete
fi

version=$("$python" -c 'import sys; sys.path.insert(0, "."); import autograder; print(autograder.__version__)')
digest=$("$python" -c 'import sys; sys.path.insert(0, "."); from autograder.deploy.image import source_digest; print(source_digest())')
docker build --network host --quiet -t "$image" --build-arg BASE_IMAGE="$base" --build-arg PIP_ARGS="$pip_args" \
  --build-arg VERSION="$version" --build-arg SOURCE_DIGEST="$digest" . >/dev/null
echo "built $image on $base (autograder $version, code ${digest:0:12})"
