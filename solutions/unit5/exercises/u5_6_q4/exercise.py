"""u5.6.q4: Why dropout only in AlexNet's classifier?"""

from autograder.exercises import Exercise, answer, mistake

# 58,631,144 / 61,100,840 = 95.96 % of the parameters are in the classifier (the verified note).
EXERCISE = Exercise(
    "u5.6.q4", "Why dropout only in AlexNet's classifier?", ["ans_u5_6_q4"],
    checks=[answer("why", "ans_u5_6_q4", choices="ABCD")],
    mistakes=[mistake("the_convolutions_hold_most_parameters", fails=["why"], says="is not the right choice")],
)
