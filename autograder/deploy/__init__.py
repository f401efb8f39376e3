"""Deploying the grader: the production image and what identifies the code inside it."""
