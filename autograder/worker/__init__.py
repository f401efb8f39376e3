"""The untrusted side: runs a notebook's code and answers the judge's requests.

Everything here runs in the sandbox, in the same interpreter as the student's code, so
nothing it reports is trusted by the judge beyond what the protocol validates.
"""
