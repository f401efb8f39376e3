"""A training check's cost on the CPU and on the GPU, measured in the same run.

    python bench/gpu_training.py
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")
import torch  # noqa: E402


def train(device: str, n: int = 4096, features: int = 256, steps: int = 200) -> float:
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(n, features, generator=generator).to(device)
    y = torch.randn(n, generator=generator).to(device)
    model = torch.nn.Sequential(torch.nn.Linear(features, 512), torch.nn.ReLU(), torch.nn.Linear(512, 1)).to(device)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.01)
    if device == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    for _ in range(steps):
        optimiser.zero_grad()
        loss = ((model(X).squeeze(1) - y) ** 2).mean()
        loss.backward()
        optimiser.step()
    if device == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - started


def main() -> None:
    cpu = train("cpu")
    print(f"| {'device':6} | {'seconds':>8} | {'speed-up':>8} |")
    print(f"| {'cpu':6} | {cpu:8.3f} | {1:8.2f} |")
    if torch.cuda.is_available():
        train("cuda", steps=5)  # warm-up: kernels load
        gpu = train("cuda")
        print(f"| {'cuda':6} | {gpu:8.3f} | {cpu / gpu:8.2f} |")
    else:
        print("| cuda   | (no CUDA device here) |")


if __name__ == "__main__":
    main()
