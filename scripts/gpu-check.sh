#!/usr/bin/env bash
# The device check: the GPU test tier, then a CPU-vs-GPU timing of a training check,
# printed as a short table. Run it once on a machine with a GPU:
#   scripts/gpu-check.sh            (expects python3 with torch+CUDA; installs the package)
# The Fashion-MNIST training test needs the data set. Only the repository travels to a device
# machine, so carry it compressed in the git-ignored .data/ folder:
#   mkdir -p .data && tar czf .data/FashionMNIST.tar.gz -C ../shared/data FashionMNIST
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONUNBUFFERED=1 PYTORCH_NVML_BASED_CUDA_CHECK=1
if [ -z "${AUTOGRADER_DATA:-}" ] && [ -f .data/FashionMNIST.tar.gz ]; then
  export AUTOGRADER_DATA="${TMPDIR:-/tmp}/autograder-gpu-data"
  mkdir -p "$AUTOGRADER_DATA" && tar xzf .data/FashionMNIST.tar.gz -C "$AUTOGRADER_DATA"
  echo "data: Fashion-MNIST unpacked into $AUTOGRADER_DATA"
fi
python3 -m pip install -q --no-deps -e . 2>/dev/null || export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
python3 -m pip install -q pydantic safetensors nbformat rich pytest 2>/dev/null || true
python3 - <<'PY'
import torch
print(f"torch {torch.__version__}, CUDA available: {torch.cuda.is_available()}, devices: {torch.cuda.device_count()}")
PY
start=$(date +%s)
python3 -m pytest -q -m gpu tests/test_gpu.py -p no:cacheprovider 2>&1 | tail -5
echo "gpu tier: $(( $(date +%s) - start )) s"
python3 bench/gpu_training.py
