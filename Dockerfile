# The production grading image: one container per submission runs the worker.
#
#   scripts/stage-data.sh            # copies the worker's view of the data sets into docker/data/
#   docker build -t autograder-worker:latest .
#   autograder doctor --backend docker
#
# or scripts/build-image.sh, which does both, labels the image with the code it holds (so
# `autograder doctor` can tell it is current) and, where no base image can be pulled, makes
# one from Debian's packages and torch from the package index (see docs/cluster.md).
#
# BASE_IMAGE is an official CUDA-enabled PyTorch runtime image; any image with Python 3.11+,
# pip, torch (and torchvision, which the course's notebooks import) works. Layers go from
# least to most often changed: dependencies, data, source.
ARG BASE_IMAGE=pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AUTOGRADER_DATA=/opt/data HOME=/tmp

# Dependencies only: rebuilt when pyproject.toml changes. torch and torchvision are the base
# image's own build (CUDA in production); requirements.py leaves them out so pip never
# replaces them.
WORKDIR /opt/autograder
# PIP_ARGS lets a machine that reaches no index install from wheels it downloaded into
# docker/wheels/ (scripts/build-image.sh does, for its made base).
COPY pyproject.toml docker/requirements.py ./
COPY docker/wheels/ /tmp/wheels/
ARG PIP_ARGS=""
RUN python requirements.py pyproject.toml > requirements.txt && pip install $PIP_ARGS -r requirements.txt \
    && rm requirements.txt requirements.py

# Data sets in the torchvision layout (FashionMNIST/raw/..., MNIST/raw/..., SST-2/, ...),
# staged into docker/data/ from the course's data folder; never downloaded at grading time.
COPY docker/data/ /opt/data/

# The package itself: the most often changed layer.
COPY README.md ./
COPY autograder ./autograder
RUN pip install $PIP_ARGS --no-deps . && rm -rf /opt/autograder/autograder /tmp/wheels \
    && python -c "import torch, autograder.worker.server"

# Never root. The judge runs containers with a read-only root and a tmpfs at /tmp.
RUN useradd --uid 10001 --no-create-home --home-dir /tmp grader

# What `autograder doctor` compares: the version, and the digest of the package's code.
ARG VERSION=0.1.0
ARG SOURCE_DIGEST=unknown
LABEL org.autograder.version="${VERSION}" org.autograder.source="${SOURCE_DIGEST}"
USER 10001:10001
WORKDIR /tmp
ENTRYPOINT ["python", "-s", "-m", "autograder.worker"]
