"""Reading notebooks, finding each exercise's code, and planning which cells to run."""
