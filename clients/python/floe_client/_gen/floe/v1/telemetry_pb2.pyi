from floe.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AgentActivity(_message.Message):
    __slots__ = ["messages_sent", "tasks_completed"]
    MESSAGES_SENT_FIELD_NUMBER: _ClassVar[int]
    TASKS_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    messages_sent: int
    tasks_completed: int
    def __init__(self, messages_sent: _Optional[int] = ..., tasks_completed: _Optional[int] = ...) -> None: ...

class GetTelemetryRequest(_message.Message):
    __slots__ = ["agent_id"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class GetTelemetryResponse(_message.Message):
    __slots__ = ["telemetry"]
    TELEMETRY_FIELD_NUMBER: _ClassVar[int]
    telemetry: TelemetrySummary
    def __init__(self, telemetry: _Optional[_Union[TelemetrySummary, _Mapping]] = ...) -> None: ...

class TelemetrySummary(_message.Message):
    __slots__ = ["agents", "tokens", "uptime_seconds"]
    class AgentsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: AgentActivity
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[AgentActivity, _Mapping]] = ...) -> None: ...
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    UPTIME_SECONDS_FIELD_NUMBER: _ClassVar[int]
    agents: _containers.MessageMap[str, AgentActivity]
    tokens: TelemetryTokens
    uptime_seconds: int
    def __init__(self, agents: _Optional[_Mapping[str, AgentActivity]] = ..., tokens: _Optional[_Union[TelemetryTokens, _Mapping]] = ..., uptime_seconds: _Optional[int] = ...) -> None: ...

class TelemetryTokens(_message.Message):
    __slots__ = ["per_agent", "total"]
    class PerAgentEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _common_pb2.TokenCounts
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_common_pb2.TokenCounts, _Mapping]] = ...) -> None: ...
    PER_AGENT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    per_agent: _containers.MessageMap[str, _common_pb2.TokenCounts]
    total: _common_pb2.TokenCounts
    def __init__(self, total: _Optional[_Union[_common_pb2.TokenCounts, _Mapping]] = ..., per_agent: _Optional[_Mapping[str, _common_pb2.TokenCounts]] = ...) -> None: ...

class WatchTelemetryRequest(_message.Message):
    __slots__ = ["agent_id", "interval"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    interval: float
    def __init__(self, agent_id: _Optional[str] = ..., interval: _Optional[float] = ...) -> None: ...

class WatchTelemetryResponse(_message.Message):
    __slots__ = ["telemetry"]
    TELEMETRY_FIELD_NUMBER: _ClassVar[int]
    telemetry: TelemetrySummary
    def __init__(self, telemetry: _Optional[_Union[TelemetrySummary, _Mapping]] = ...) -> None: ...
