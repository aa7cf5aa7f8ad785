from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ActionResult(_message.Message):
    __slots__ = ["action", "result", "status"]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    action: str
    result: str
    status: str
    def __init__(self, action: _Optional[str] = ..., result: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class ChatMessage(_message.Message):
    __slots__ = ["agent_id", "channel", "content", "id", "message_type", "metadata", "role", "timestamp", "tool_call_id", "tool_calls"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    channel: str
    content: str
    id: str
    message_type: str
    metadata: _struct_pb2.Struct
    role: str
    timestamp: str
    tool_call_id: str
    tool_calls: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    def __init__(self, id: _Optional[str] = ..., role: _Optional[str] = ..., content: _Optional[str] = ..., timestamp: _Optional[str] = ..., agent_id: _Optional[str] = ..., channel: _Optional[str] = ..., message_type: _Optional[str] = ..., tool_calls: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ..., tool_call_id: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class FieldViolation(_message.Message):
    __slots__ = ["description", "expected_type", "field", "kind", "location"]
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_TYPE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    KIND_MISSING: FieldViolation.Kind
    KIND_UNSPECIFIED: FieldViolation.Kind
    KIND_WRONG_TYPE: FieldViolation.Kind
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    description: str
    expected_type: str
    field: str
    kind: FieldViolation.Kind
    location: str
    def __init__(self, field: _Optional[str] = ..., description: _Optional[str] = ..., location: _Optional[str] = ..., kind: _Optional[_Union[FieldViolation.Kind, str]] = ..., expected_type: _Optional[str] = ...) -> None: ...

class ModelConfig(_message.Message):
    __slots__ = ["api_key_env", "base_url", "id", "max_context_window_tokens", "max_output_tokens", "name", "offline", "provider", "reasoning_enabled", "temperature", "vision_enabled"]
    API_KEY_ENV_FIELD_NUMBER: _ClassVar[int]
    BASE_URL_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    MAX_CONTEXT_WINDOW_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OFFLINE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REASONING_ENABLED_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    VISION_ENABLED_FIELD_NUMBER: _ClassVar[int]
    api_key_env: str
    base_url: str
    id: str
    max_context_window_tokens: int
    max_output_tokens: int
    name: str
    offline: bool
    provider: str
    reasoning_enabled: bool
    temperature: float
    vision_enabled: bool
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., provider: _Optional[str] = ..., base_url: _Optional[str] = ..., api_key_env: _Optional[str] = ..., vision_enabled: bool = ..., max_output_tokens: _Optional[int] = ..., max_context_window_tokens: _Optional[int] = ..., temperature: _Optional[float] = ..., reasoning_enabled: bool = ..., offline: bool = ...) -> None: ...

class RequestError(_message.Message):
    __slots__ = ["conflicts", "field_violations", "reason"]
    class Reason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    FIELD_VIOLATIONS_FIELD_NUMBER: _ClassVar[int]
    REASON_BODY_TOO_LARGE: RequestError.Reason
    REASON_CONFLICT: RequestError.Reason
    REASON_FIELD_NUMBER: _ClassVar[int]
    REASON_INVALID_FIELD: RequestError.Reason
    REASON_INVALID_VALUE: RequestError.Reason
    REASON_MALFORMED_BODY: RequestError.Reason
    REASON_UNSPECIFIED: RequestError.Reason
    REASON_UNSUPPORTED_MEDIA_TYPE: RequestError.Reason
    conflicts: _containers.RepeatedScalarFieldContainer[str]
    field_violations: _containers.RepeatedCompositeFieldContainer[FieldViolation]
    reason: RequestError.Reason
    def __init__(self, reason: _Optional[_Union[RequestError.Reason, str]] = ..., field_violations: _Optional[_Iterable[_Union[FieldViolation, _Mapping]]] = ..., conflicts: _Optional[_Iterable[str]] = ...) -> None: ...

class TokenCounts(_message.Message):
    __slots__ = ["completion", "prompt"]
    COMPLETION_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    completion: int
    prompt: int
    def __init__(self, prompt: _Optional[int] = ..., completion: _Optional[int] = ...) -> None: ...
