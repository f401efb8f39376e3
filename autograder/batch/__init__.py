"""Bulk grading: a class's submissions in, a gradebook, feedback and a summary out."""
