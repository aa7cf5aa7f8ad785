"""The generated messages and stubs (``npm run generate``), importable as ``floe.v1``.

protoc's Python output imports its siblings by proto package (``from floe.v1
import common_pb2``), so the folder holding the generated ``floe`` package has
to be on the import path.
"""

import os
import sys

_GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_gen")
if _GEN not in sys.path:
    sys.path.insert(0, _GEN)

from floe.v1 import chat_pb2, chat_pb2_grpc  # noqa: E402
from floe.v1 import conversation_pb2, conversation_pb2_grpc  # noqa: E402
from floe.v1 import events_pb2  # noqa: E402
from floe.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from floe.v1 import project_pb2, project_pb2_grpc  # noqa: E402

__all__ = [
    "chat_pb2",
    "chat_pb2_grpc",
    "conversation_pb2",
    "conversation_pb2_grpc",
    "events_pb2",
    "health_pb2",
    "health_pb2_grpc",
    "project_pb2",
    "project_pb2_grpc",
]
