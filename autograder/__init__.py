"""autograder: a sandboxed, differential grader for a PyTorch deep-learning course."""

__version__ = "0.1.0"


def check(exercise: str | None = None, notebook: str | None = None):
    """Run the public checks of one exercise (or the whole unit) from inside a notebook."""
    from autograder.cli.inline import check as _check

    return _check(exercise, notebook)
