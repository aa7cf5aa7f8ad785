from floe.v1 import common_pb2 as _common_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ActionEvent(_message.Message):
    __slots__ = ["result"]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.ActionResult
    def __init__(self, result: _Optional[_Union[_common_pb2.ActionResult, _Mapping]] = ...) -> None: ...

class ActiveRun(_message.Message):
    __slots__ = ["agent_id", "run_id", "started_at"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    run_id: str
    started_at: str
    def __init__(self, run_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., started_at: _Optional[str] = ...) -> None: ...

class ApprovalRequiredEvent(_message.Message):
    __slots__ = ["expires_at", "operation", "reason", "request_id", "resource", "tool_name"]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    expires_at: str
    operation: str
    reason: str
    request_id: str
    resource: str
    tool_name: str
    def __init__(self, request_id: _Optional[str] = ..., tool_name: _Optional[str] = ..., operation: _Optional[str] = ..., resource: _Optional[str] = ..., reason: _Optional[str] = ..., expires_at: _Optional[str] = ...) -> None: ...

class ApprovalResolvedEvent(_message.Message):
    __slots__ = ["request_id", "scope", "status"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    scope: str
    status: str
    def __init__(self, request_id: _Optional[str] = ..., status: _Optional[str] = ..., scope: _Optional[str] = ...) -> None: ...

class BusMessageEvent(_message.Message):
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
    def __init__(self, sender: _Optional[str] = ..., recipient: _Optional[str] = ..., content: _Optional[str] = ..., message_type: _Optional[str] = ..., channel: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class CancelledEvent(_message.Message):
    __slots__ = ["reason"]
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: str
    def __init__(self, reason: _Optional[str] = ...) -> None: ...

class CheckpointRestoredEvent(_message.Message):
    __slots__ = ["changed_files", "checkpoint_id", "message_count", "safety_checkpoint_id"]
    CHANGED_FILES_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    SAFETY_CHECKPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    changed_files: _containers.RepeatedScalarFieldContainer[str]
    checkpoint_id: str
    message_count: int
    safety_checkpoint_id: str
    def __init__(self, checkpoint_id: _Optional[str] = ..., safety_checkpoint_id: _Optional[str] = ..., message_count: _Optional[int] = ..., changed_files: _Optional[_Iterable[str]] = ...) -> None: ...

class CompleteEvent(_message.Message):
    __slots__ = ["action_results", "iterations", "reasoning", "response", "status", "tool_calls", "usage"]
    ACTION_RESULTS_FIELD_NUMBER: _ClassVar[int]
    ITERATIONS_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    action_results: _containers.RepeatedCompositeFieldContainer[_common_pb2.ActionResult]
    iterations: int
    reasoning: str
    response: str
    status: str
    tool_calls: int
    usage: _common_pb2.TokenCounts
    def __init__(self, response: _Optional[str] = ..., action_results: _Optional[_Iterable[_Union[_common_pb2.ActionResult, _Mapping]]] = ..., reasoning: _Optional[str] = ..., iterations: _Optional[int] = ..., tool_calls: _Optional[int] = ..., status: _Optional[str] = ..., usage: _Optional[_Union[_common_pb2.TokenCounts, _Mapping]] = ...) -> None: ...

class ErrorEvent(_message.Message):
    __slots__ = ["code", "message"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    def __init__(self, message: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ["action", "agent_id", "agent_path", "approval_required", "approval_resolved", "bus_message", "cancelled", "checkpoint_restored", "complete", "conversation_id", "error", "gap", "heartbeat", "human_message", "message", "progress", "queued", "reasoning", "run_id", "seq", "snapshot", "start", "task_id", "timestamp", "token", "tool_complete", "tool_start"]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_PATH_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_RESOLVED_FIELD_NUMBER: _ClassVar[int]
    BUS_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_RESTORED_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    GAP_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    HUMAN_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    QUEUED_FIELD_NUMBER: _ClassVar[int]
    REASONING_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOOL_COMPLETE_FIELD_NUMBER: _ClassVar[int]
    TOOL_START_FIELD_NUMBER: _ClassVar[int]
    action: ActionEvent
    agent_id: str
    agent_path: _containers.RepeatedScalarFieldContainer[str]
    approval_required: ApprovalRequiredEvent
    approval_resolved: ApprovalResolvedEvent
    bus_message: BusMessageEvent
    cancelled: CancelledEvent
    checkpoint_restored: CheckpointRestoredEvent
    complete: CompleteEvent
    conversation_id: str
    error: ErrorEvent
    gap: GapEvent
    heartbeat: HeartbeatEvent
    human_message: HumanMessageEvent
    message: MessageEvent
    progress: ProgressEvent
    queued: QueuedEvent
    reasoning: ReasoningEvent
    run_id: str
    seq: int
    snapshot: SnapshotEvent
    start: StartEvent
    task_id: str
    timestamp: str
    token: TokenEvent
    tool_complete: ToolCompleteEvent
    tool_start: ToolStartEvent
    def __init__(self, seq: _Optional[int] = ..., conversation_id: _Optional[str] = ..., run_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., timestamp: _Optional[str] = ..., agent_path: _Optional[_Iterable[str]] = ..., task_id: _Optional[str] = ..., start: _Optional[_Union[StartEvent, _Mapping]] = ..., token: _Optional[_Union[TokenEvent, _Mapping]] = ..., reasoning: _Optional[_Union[ReasoningEvent, _Mapping]] = ..., progress: _Optional[_Union[ProgressEvent, _Mapping]] = ..., tool_start: _Optional[_Union[ToolStartEvent, _Mapping]] = ..., tool_complete: _Optional[_Union[ToolCompleteEvent, _Mapping]] = ..., approval_required: _Optional[_Union[ApprovalRequiredEvent, _Mapping]] = ..., approval_resolved: _Optional[_Union[ApprovalResolvedEvent, _Mapping]] = ..., complete: _Optional[_Union[CompleteEvent, _Mapping]] = ..., error: _Optional[_Union[ErrorEvent, _Mapping]] = ..., heartbeat: _Optional[_Union[HeartbeatEvent, _Mapping]] = ..., snapshot: _Optional[_Union[SnapshotEvent, _Mapping]] = ..., gap: _Optional[_Union[GapEvent, _Mapping]] = ..., cancelled: _Optional[_Union[CancelledEvent, _Mapping]] = ..., queued: _Optional[_Union[QueuedEvent, _Mapping]] = ..., action: _Optional[_Union[ActionEvent, _Mapping]] = ..., bus_message: _Optional[_Union[BusMessageEvent, _Mapping]] = ..., message: _Optional[_Union[MessageEvent, _Mapping]] = ..., human_message: _Optional[_Union[HumanMessageEvent, _Mapping]] = ..., checkpoint_restored: _Optional[_Union[CheckpointRestoredEvent, _Mapping]] = ...) -> None: ...

class GapEvent(_message.Message):
    __slots__ = ["oldest_available_seq", "requested_after_seq"]
    OLDEST_AVAILABLE_SEQ_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    oldest_available_seq: int
    requested_after_seq: int
    def __init__(self, requested_after_seq: _Optional[int] = ..., oldest_available_seq: _Optional[int] = ...) -> None: ...

class HeartbeatEvent(_message.Message):
    __slots__ = ["latest_seq"]
    LATEST_SEQ_FIELD_NUMBER: _ClassVar[int]
    latest_seq: int
    def __init__(self, latest_seq: _Optional[int] = ...) -> None: ...

class HumanMessageEvent(_message.Message):
    __slots__ = ["channel", "content", "message_type", "sender"]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    channel: str
    content: str
    message_type: str
    sender: str
    def __init__(self, sender: _Optional[str] = ..., content: _Optional[str] = ..., message_type: _Optional[str] = ..., channel: _Optional[str] = ...) -> None: ...

class MessageEvent(_message.Message):
    __slots__ = ["conversation_id", "message"]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    message: _common_pb2.ChatMessage
    def __init__(self, message: _Optional[_Union[_common_pb2.ChatMessage, _Mapping]] = ..., conversation_id: _Optional[str] = ...) -> None: ...

class PendingApproval(_message.Message):
    __slots__ = ["created_at", "expires_at", "id", "operation", "reason", "resource", "session_id", "tool_name"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    created_at: str
    expires_at: str
    id: str
    operation: str
    reason: str
    resource: str
    session_id: str
    tool_name: str
    def __init__(self, id: _Optional[str] = ..., tool_name: _Optional[str] = ..., operation: _Optional[str] = ..., resource: _Optional[str] = ..., reason: _Optional[str] = ..., session_id: _Optional[str] = ..., created_at: _Optional[str] = ..., expires_at: _Optional[str] = ...) -> None: ...

class ProgressEvent(_message.Message):
    __slots__ = ["iteration", "max_iterations", "message"]
    ITERATION_FIELD_NUMBER: _ClassVar[int]
    MAX_ITERATIONS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    iteration: int
    max_iterations: int
    message: str
    def __init__(self, iteration: _Optional[int] = ..., max_iterations: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class QueuedEvent(_message.Message):
    __slots__ = ["position"]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    position: int
    def __init__(self, position: _Optional[int] = ...) -> None: ...

class ReasoningEvent(_message.Message):
    __slots__ = ["token"]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class RunCause(_message.Message):
    __slots__ = ["channel", "from_agent", "kind", "message_id"]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    FROM_AGENT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    channel: str
    from_agent: str
    kind: str
    message_id: str
    def __init__(self, kind: _Optional[str] = ..., from_agent: _Optional[str] = ..., message_id: _Optional[str] = ..., channel: _Optional[str] = ...) -> None: ...

class SnapshotEvent(_message.Message):
    __slots__ = ["active_runs", "latest_seq", "message_count", "pending_approvals"]
    ACTIVE_RUNS_FIELD_NUMBER: _ClassVar[int]
    LATEST_SEQ_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    PENDING_APPROVALS_FIELD_NUMBER: _ClassVar[int]
    active_runs: _containers.RepeatedCompositeFieldContainer[ActiveRun]
    latest_seq: int
    message_count: int
    pending_approvals: _containers.RepeatedCompositeFieldContainer[PendingApproval]
    def __init__(self, latest_seq: _Optional[int] = ..., active_runs: _Optional[_Iterable[_Union[ActiveRun, _Mapping]]] = ..., pending_approvals: _Optional[_Iterable[_Union[PendingApproval, _Mapping]]] = ..., message_count: _Optional[int] = ...) -> None: ...

class StartEvent(_message.Message):
    __slots__ = ["cause", "model", "parent_run_id", "request_id"]
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PARENT_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    cause: RunCause
    model: str
    parent_run_id: str
    request_id: str
    def __init__(self, model: _Optional[str] = ..., request_id: _Optional[str] = ..., parent_run_id: _Optional[str] = ..., cause: _Optional[_Union[RunCause, _Mapping]] = ...) -> None: ...

class TokenEvent(_message.Message):
    __slots__ = ["token"]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class ToolCompleteEvent(_message.Message):
    __slots__ = ["duration_ms", "name", "result_preview", "status", "success", "tool_call_id"]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RESULT_PREVIEW_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    duration_ms: int
    name: str
    result_preview: str
    status: str
    success: bool
    tool_call_id: str
    def __init__(self, name: _Optional[str] = ..., success: bool = ..., duration_ms: _Optional[int] = ..., result_preview: _Optional[str] = ..., tool_call_id: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class ToolStartEvent(_message.Message):
    __slots__ = ["arguments", "name", "tool_call_id"]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    arguments: str
    name: str
    tool_call_id: str
    def __init__(self, name: _Optional[str] = ..., tool_call_id: _Optional[str] = ..., arguments: _Optional[str] = ...) -> None: ...
