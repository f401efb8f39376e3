"""Instructor tools: generate the student release from the solutions, and prove it sound."""
