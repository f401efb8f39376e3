"""Make this Python look, to the grader's own modules, like Windows: no `resource` or
`fcntl` to import, no `os.fork`/`os.forkpty`, no SIGALRM timer, no Unix sockets.

Put this folder on PYTHONPATH and every Python started with that environment (the judge and
its spawned worker alike) imports it at start-up. Imports and Unix sockets are refused only
to code of the `autograder` package: a third-party library (psutil, torch) keeps the Linux
branch it would replace by its Windows one there. tests/test_portable.py uses it.
"""

import builtins
import os
import signal
import socket
import sys

UNIX_ONLY_MODULES = frozenset({"resource", "fcntl", "termios", "pwd", "grp"})
REMOVED = {os: ("fork", "forkpty"), signal: ("setitimer", "getitimer", "SIGALRM")}


_import = builtins.__import__


def _refuse_unix_modules_to_the_grader(name, globals=None, locals=None, fromlist=(), level=0):
    """Answer the grader's imports of Unix-only modules with the ModuleNotFoundError that
    Windows gives, even where a library imported them already."""
    importer = (globals or {}).get("__name__", "")
    if level == 0 and name.partition(".")[0] in UNIX_ONLY_MODULES and importer.startswith("autograder"):
        raise ModuleNotFoundError(f"No module named {name!r} (this test's Python pretends to be Windows)", name=name)
    return _import(name, globals, locals, fromlist, level)


def _caller(skip) -> str:
    """The module of the nearest calling frame outside this file and the frames `skip` names."""
    frame = sys._getframe(1)
    while frame is not None and (frame.f_code.co_filename == __file__ or skip(frame.f_code)):
        frame = frame.f_back
    return frame.f_globals.get("__name__", "") if frame is not None else ""


_socket_init = socket.socket.__init__


def _no_unix_sockets_for_the_grader(self, family=-1, *args, **kwargs):
    if family == socket.AF_UNIX and _caller(lambda code: code.co_filename == socket.__file__).startswith("autograder"):
        raise OSError("address family AF_UNIX is not supported (this test's Python pretends to be Windows)")
    _socket_init(self, family, *args, **kwargs)


builtins.__import__ = _refuse_unix_modules_to_the_grader
socket.socket.__init__ = _no_unix_sockets_for_the_grader
for owner, names in REMOVED.items():
    for name in names:
        if hasattr(owner, name):
            delattr(owner, name)
