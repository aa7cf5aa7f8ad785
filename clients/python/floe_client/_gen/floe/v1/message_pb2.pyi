from floe.v1 import events_pb2 as _events_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class HumanReplyRequest(_message.Message):
    __slots__ = ["agent_id", "message"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    message: RoutedMessage
    def __init__(self, agent_id: _Optional[str] = ..., message: _Optional[_Union[RoutedMessage, _Mapping]] = ...) -> None: ...

class HumanReplyResponse(_message.Message):
    __slots__ = ["receipt"]
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    receipt: RouteReceipt
    def __init__(self, receipt: _Optional[_Union[RouteReceipt, _Mapping]] = ...) -> None: ...

class RouteMessageRequest(_message.Message):
    __slots__ = ["message"]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: RoutedMessage
    def __init__(self, message: _Optional[_Union[RoutedMessage, _Mapping]] = ...) -> None: ...

class RouteMessageResponse(_message.Message):
    __slots__ = ["receipt"]
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    receipt: RouteReceipt
    def __init__(self, receipt: _Optional[_Union[RouteReceipt, _Mapping]] = ...) -> None: ...

class RouteReceipt(_message.Message):
    __slots__ = ["message_id", "recipient", "run_id", "status"]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    recipient: str
    run_id: str
    status: str
    def __init__(self, status: _Optional[str] = ..., message_id: _Optional[str] = ..., recipient: _Optional[str] = ..., run_id: _Optional[str] = ...) -> None: ...

class RoutedMessage(_message.Message):
    __slots__ = ["channel", "content", "message_type", "metadata", "recipient", "sender"]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    channel: str
    content: str
    message_type: str
    metadata: _struct_pb2.Struct
    recipient: str
    sender: str
    def __init__(self, recipient: _Optional[str] = ..., content: _Optional[str] = ..., message_type: _Optional[str] = ..., channel: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., sender: _Optional[str] = ...) -> None: ...

class SendToAgentRequest(_message.Message):
    __slots__ = ["agent_id", "message"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    message: RoutedMessage
    def __init__(self, agent_id: _Optional[str] = ..., message: _Optional[_Union[RoutedMessage, _Mapping]] = ...) -> None: ...

class SendToAgentResponse(_message.Message):
    __slots__ = ["receipt"]
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    receipt: RouteReceipt
    def __init__(self, receipt: _Optional[_Union[RouteReceipt, _Mapping]] = ...) -> None: ...

class SendToHumanRequest(_message.Message):
    __slots__ = ["message"]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: RoutedMessage
    def __init__(self, message: _Optional[_Union[RoutedMessage, _Mapping]] = ...) -> None: ...

class SendToHumanResponse(_message.Message):
    __slots__ = ["receipt"]
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    receipt: RouteReceipt
    def __init__(self, receipt: _Optional[_Union[RouteReceipt, _Mapping]] = ...) -> None: ...

class SubscribeEventsRequest(_message.Message):
    __slots__ = ["after_cursor", "agent_id", "channel", "include_bus", "include_ui", "message_type"]
    AFTER_CURSOR_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_BUS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_UI_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    after_cursor: int
    agent_id: str
    channel: str
    include_bus: bool
    include_ui: bool
    message_type: str
    def __init__(self, agent_id: _Optional[str] = ..., message_type: _Optional[str] = ..., channel: _Optional[str] = ..., include_ui: bool = ..., include_bus: bool = ..., after_cursor: _Optional[int] = ...) -> None: ...

class SubscribeEventsResponse(_message.Message):
    __slots__ = ["cursor", "event", "type"]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    cursor: int
    event: _events_pb2.Event
    type: str
    def __init__(self, type: _Optional[str] = ..., event: _Optional[_Union[_events_pb2.Event, _Mapping]] = ..., cursor: _Optional[int] = ...) -> None: ...
