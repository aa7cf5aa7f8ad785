from floe.v1 import common_pb2 as _common_pb2
from floe.v1 import events_pb2 as _events_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CancelRunRequest(_message.Message):
    __slots__ = ["conversation_id", "run_id"]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    run_id: str
    def __init__(self, run_id: _Optional[str] = ..., conversation_id: _Optional[str] = ...) -> None: ...

class CancelRunResponse(_message.Message):
    __slots__ = ["cancelled", "run_id", "status"]
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    cancelled: bool
    run_id: str
    status: str
    def __init__(self, run_id: _Optional[str] = ..., status: _Optional[str] = ..., cancelled: bool = ...) -> None: ...

class ChatRequest(_message.Message):
    __slots__ = ["agent_id", "cancel_on_disconnect", "context", "context_files", "conversation_id", "create_conversation", "image_path", "include_reasoning", "max_iterations", "message_hops", "model", "queue", "request_id", "streaming", "text"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CANCEL_ON_DISCONNECT_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FILES_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    IMAGE_PATH_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REASONING_FIELD_NUMBER: _ClassVar[int]
    MAX_ITERATIONS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_HOPS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    STREAMING_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    cancel_on_disconnect: bool
    context: _struct_pb2.Struct
    context_files: _containers.RepeatedScalarFieldContainer[str]
    conversation_id: str
    create_conversation: bool
    image_path: str
    include_reasoning: bool
    max_iterations: int
    message_hops: int
    model: str
    queue: bool
    request_id: str
    streaming: bool
    text: str
    def __init__(self, text: _Optional[str] = ..., conversation_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., context: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., context_files: _Optional[_Iterable[str]] = ..., streaming: bool = ..., max_iterations: _Optional[int] = ..., image_path: _Optional[str] = ..., include_reasoning: bool = ..., model: _Optional[str] = ..., request_id: _Optional[str] = ..., queue: bool = ..., cancel_on_disconnect: bool = ..., create_conversation: bool = ..., message_hops: _Optional[int] = ...) -> None: ...

class GetRunRequest(_message.Message):
    __slots__ = ["run_id"]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    def __init__(self, run_id: _Optional[str] = ...) -> None: ...

class GetRunResponse(_message.Message):
    __slots__ = ["agent_id", "conversation_id", "created_at", "ended_at", "pending_approvals", "result", "run_id", "status"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    PENDING_APPROVALS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    conversation_id: str
    created_at: str
    ended_at: str
    pending_approvals: _containers.RepeatedCompositeFieldContainer[_events_pb2.PendingApproval]
    result: SendMessageResponse
    run_id: str
    status: str
    def __init__(self, run_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., status: _Optional[str] = ..., result: _Optional[_Union[SendMessageResponse, _Mapping]] = ..., pending_approvals: _Optional[_Iterable[_Union[_events_pb2.PendingApproval, _Mapping]]] = ..., created_at: _Optional[str] = ..., ended_at: _Optional[str] = ...) -> None: ...

class RunFailure(_message.Message):
    __slots__ = ["conversation_id", "run_id", "status"]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    run_id: str
    status: str
    def __init__(self, run_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class SendMessageRequest(_message.Message):
    __slots__ = ["chat"]
    CHAT_FIELD_NUMBER: _ClassVar[int]
    chat: ChatRequest
    def __init__(self, chat: _Optional[_Union[ChatRequest, _Mapping]] = ...) -> None: ...

class SendMessageResponse(_message.Message):
    __slots__ = ["action_results", "conversation_id", "error", "iterations", "model", "reasoning", "response", "run_id", "status", "tool_calls", "usage"]
    ACTION_RESULTS_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ITERATIONS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    action_results: _containers.RepeatedCompositeFieldContainer[_common_pb2.ActionResult]
    conversation_id: str
    error: _events_pb2.ErrorEvent
    iterations: int
    model: str
    reasoning: str
    response: str
    run_id: str
    status: str
    tool_calls: int
    usage: _common_pb2.TokenCounts
    def __init__(self, response: _Optional[str] = ..., action_results: _Optional[_Iterable[_Union[_common_pb2.ActionResult, _Mapping]]] = ..., reasoning: _Optional[str] = ..., conversation_id: _Optional[str] = ..., run_id: _Optional[str] = ..., iterations: _Optional[int] = ..., tool_calls: _Optional[int] = ..., status: _Optional[str] = ..., usage: _Optional[_Union[_common_pb2.TokenCounts, _Mapping]] = ..., model: _Optional[str] = ..., error: _Optional[_Union[_events_pb2.ErrorEvent, _Mapping]] = ...) -> None: ...

class StreamMessageRequest(_message.Message):
    __slots__ = ["chat"]
    CHAT_FIELD_NUMBER: _ClassVar[int]
    chat: ChatRequest
    def __init__(self, chat: _Optional[_Union[ChatRequest, _Mapping]] = ...) -> None: ...

class StreamMessageResponse(_message.Message):
    __slots__ = ["event"]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    event: _events_pb2.Event
    def __init__(self, event: _Optional[_Union[_events_pb2.Event, _Mapping]] = ...) -> None: ...

class SubscribeRequest(_message.Message):
    __slots__ = ["after_seq", "conversation_id", "end_after_live_runs", "include_reasoning"]
    AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    END_AFTER_LIVE_RUNS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REASONING_FIELD_NUMBER: _ClassVar[int]
    after_seq: int
    conversation_id: str
    end_after_live_runs: bool
    include_reasoning: bool
    def __init__(self, conversation_id: _Optional[str] = ..., after_seq: _Optional[int] = ..., include_reasoning: bool = ..., end_after_live_runs: bool = ...) -> None: ...

class SubscribeResponse(_message.Message):
    __slots__ = ["event"]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    event: _events_pb2.Event
    def __init__(self, event: _Optional[_Union[_events_pb2.Event, _Mapping]] = ...) -> None: ...
