"""names RuntimeError"""

ans_u5_5_q4_exception = "RuntimeError"
