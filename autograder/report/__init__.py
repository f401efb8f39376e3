"""Grading results as data, and the views of them: terminal table, Gradescope JSON."""
