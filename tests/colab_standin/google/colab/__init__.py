"""A stand-in for Google Colab's `google.colab` package: only what `check()` uses.

(No google/__init__.py: `google` stays a namespace package, as with protobuf installed.)
"""
