"""u5.2.q2: A 3x3 kernel that detects diagonal edges."""

from autograder.exercises import Call, Exercise, mistake, prop, sequence

KERNEL_AND_ORIENTATION = [sequence(Call(read_only=True, label="DIAG_KERNEL"),
                                   Call(target="DIAG_ORIENTATION", read_only=True, label="DIAG_ORIENTATION"),
                                   label="")]

# The judge convolves the kernel with 16 x 16 pictures of contrast 1 (solutions/unit5/public/
# judging.py): step edges (main diagonal: col > row; anti-diagonal: row + col > 15; horizontal;
# vertical), one-pixel lines along both diagonals and a constant picture. The catalogue's example
# [[0, 1, 1], [-1, 0, 1], [-1, -1, 0]] ("main") responds 3 to its edge, 2 to the horizontal and
# vertical edges, 2 to a main-diagonal line, 0 to the constant; the diagonal Sobel kernel 4, 3, 3,
# 2. The comparison with the other edges is strict (a Roberts-style kernel responds 1 to all
# three); the line detector [[2, -1, -1], [-1, 2, -1], [-1, -1, 2]] (3 against 0, 0 on edges)
# responds 6 to a line, more than to an edge, and is refused (the catalogue's correction).
EXERCISE = Exercise(
    "u5.2.q2", "A 3x3 kernel that detects diagonal edges", ["DIAG_KERNEL", "DIAG_ORIENTATION"],
    manual="the ankle-boot picture filtered with your kernel",
    checks=[prop("detects diagonal edges", "DIAG_KERNEL", KERNEL_AND_ORIENTATION, "diagonal_edge_detector", weight=1)],
    mistakes=[
        mistake("a_roberts_kernel", fails=["detects diagonal edges"], says="strictly larger"),
        mistake("a_line_detector", fails=["detects diagonal edges"], says="line detector"),
        mistake("entries_that_do_not_add_up_to_zero", fails=["detects diagonal edges"], says="constant picture"),
        mistake("the_other_diagonal_declared", fails=["detects diagonal edges"], says="anti-diagonal step edge"),
        mistake("a_horizontal_edge_kernel", fails=["detects diagonal edges"], says="strictly larger"),
    ],
)
