from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class HandleWebhookRequest(_message.Message):
    __slots__ = ["delivery_id", "event", "payload", "signature_256"]
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_256_FIELD_NUMBER: _ClassVar[int]
    delivery_id: str
    event: str
    payload: bytes
    signature_256: str
    def __init__(self, event: _Optional[str] = ..., delivery_id: _Optional[str] = ..., signature_256: _Optional[str] = ..., payload: _Optional[bytes] = ...) -> None: ...

class HandleWebhookResponse(_message.Message):
    __slots__ = ["delivery_id", "event", "message", "run_id", "status"]
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    delivery_id: str
    event: str
    message: str
    run_id: str
    status: str
    def __init__(self, status: _Optional[str] = ..., event: _Optional[str] = ..., delivery_id: _Optional[str] = ..., message: _Optional[str] = ..., run_id: _Optional[str] = ...) -> None: ...
