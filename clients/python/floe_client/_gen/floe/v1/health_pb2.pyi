from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetHealthRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetHealthResponse(_message.Message):
    __slots__ = ["agent_id", "database", "status", "uptime_secs", "version"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPTIME_SECS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    database: str
    status: str
    uptime_secs: int
    version: str
    def __init__(self, status: _Optional[str] = ..., version: _Optional[str] = ..., uptime_secs: _Optional[int] = ..., agent_id: _Optional[str] = ..., database: _Optional[str] = ...) -> None: ...
