# The production grading image: one container per submission runs the worker.
#
#   scripts/stage-data.sh            # copies the course's data sets into docker/data/
#   docker build -t autograder-worker:latest .
#   autograder doctor --backend docker
#
# BASE_IMAGE is an official CUDA-enabled PyTorch runtime image; any image with Python 3.10+
# and torch works. Layers go from least to most often changed: dependencies, data, source.
ARG BASE_IMAGE=pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AUTOGRADER_DATA=/opt/data HOME=/tmp

# Dependencies only (torch comes with the base image): rebuilt when pyproject.toml changes.
WORKDIR /opt/autograder
COPY pyproject.toml README.md ./
RUN mkdir autograder && echo '__version__ = "0"' > autograder/__init__.py \
    && pip install . && pip uninstall -y autograder && rm -rf autograder

# Data sets in the torchvision layout (FashionMNIST/raw/..., MNIST/raw/..., SST-2/, ...),
# staged into docker/data/ from the course's data folder; never downloaded at grading time.
COPY docker/data/ /opt/data/

# The package itself: the most often changed layer.
COPY autograder ./autograder
ARG VERSION=0.1.0
RUN pip install --no-deps . && python -c "import autograder.worker.server"
LABEL org.autograder.version="${VERSION}"

# Never root. The judge runs containers with a read-only root and a tmpfs at /tmp.
RUN useradd --uid 10001 --no-create-home --home-dir /tmp grader
USER 10001:10001
WORKDIR /tmp
ENTRYPOINT ["python", "-s", "-m", "autograder.worker"]
