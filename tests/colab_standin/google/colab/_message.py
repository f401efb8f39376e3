"""A stand-in for `google.colab._message`: Colab's kernel asks its front end for something
and blocks until the answer comes (colabtools: `blocking_request(request_type, request="",
timeout_sec=5, parent=None)` returns the reply's data, or None when none came in time).

The test plays the front end: it sets `OPEN_NOTEBOOK` to the notebook open in the browser
(None: the front end does not answer) and reads what was asked from `REQUESTS`.
"""

OPEN_NOTEBOOK: dict | None = None
REQUESTS: list[tuple[str, object, float]] = []


def blocking_request(request_type, request="", timeout_sec=5, parent=None):
    REQUESTS.append((request_type, request, timeout_sec))
    if request_type != "get_ipynb" or OPEN_NOTEBOOK is None:
        return None
    return {"ipynb": OPEN_NOTEBOOK}
