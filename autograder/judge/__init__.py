"""The trusted side: holds the checks and the reference, drives a worker, scores."""
