"""Penguin's import path for its programmatic client: scripts written for Penguin run unchanged.

``PenguinAPI()`` with no arguments reads the server from ``FLOE_URL`` (default
``http://127.0.0.1:8000``) and the key from ``FLOE_API_KEY`` or ``PENGUIN_API_KEY``.
"""

from floe_client import FloeError, PenguinAPI

__all__ = ["FloeError", "PenguinAPI"]
