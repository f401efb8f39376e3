# A Ray node for Kubernetes (KubeRay): the grading image plus Ray, to run judges, and
# bubblewrap, the local sandbox their workers run in (pods seldom reach a Docker daemon).
#
#   scripts/build-image.sh                                   # autograder-worker:latest
#   docker build -f docker/ray-node.Dockerfile -t autograder-ray-node:latest .
#
# See docs/cluster.md for the RayCluster that runs it.
ARG WORKER_IMAGE=autograder-worker:latest
FROM ${WORKER_IMAGE}
USER root
# ray[default] and wget: KubeRay's health probes ask the node's dashboard agent.
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap wget \
    && rm -rf /var/lib/apt/lists/* && pip install 'ray[default]>=2.9,<3'
# KubeRay runs `ray start` through a login shell in this image; judges run as root, so the
# local sandbox can give each worker its own unprivileged user id.
WORKDIR /opt/autograder
ENTRYPOINT []
