from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ApprovalRequest(_message.Message):
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

class ApproveRequest(_message.Message):
    __slots__ = ["pattern", "request_id", "scope"]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    pattern: str
    request_id: str
    scope: str
    def __init__(self, request_id: _Optional[str] = ..., scope: _Optional[str] = ..., pattern: _Optional[str] = ...) -> None: ...

class ApproveResponse(_message.Message):
    __slots__ = ["request_id", "scope", "status"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    scope: str
    status: str
    def __init__(self, status: _Optional[str] = ..., request_id: _Optional[str] = ..., scope: _Optional[str] = ...) -> None: ...

class AuditEntry(_message.Message):
    __slots__ = ["agent_id", "category", "hash", "id", "key_name", "operation", "policy", "prev_hash", "reason", "resource", "result", "session_id", "timestamp", "tool_name"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    KEY_NAME_FIELD_NUMBER: _ClassVar[int]
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    PREV_HASH_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    category: str
    hash: str
    id: str
    key_name: str
    operation: str
    policy: str
    prev_hash: str
    reason: str
    resource: str
    result: str
    session_id: str
    timestamp: str
    tool_name: str
    def __init__(self, id: _Optional[str] = ..., timestamp: _Optional[str] = ..., operation: _Optional[str] = ..., resource: _Optional[str] = ..., result: _Optional[str] = ..., reason: _Optional[str] = ..., policy: _Optional[str] = ..., agent_id: _Optional[str] = ..., tool_name: _Optional[str] = ..., session_id: _Optional[str] = ..., key_name: _Optional[str] = ..., category: _Optional[str] = ..., prev_hash: _Optional[str] = ..., hash: _Optional[str] = ...) -> None: ...

class AuditFilters(_message.Message):
    __slots__ = ["agent_id", "category", "limit", "result"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    category: str
    limit: int
    result: str
    def __init__(self, limit: _Optional[int] = ..., result: _Optional[str] = ..., category: _Optional[str] = ..., agent_id: _Optional[str] = ...) -> None: ...

class DenyRequest(_message.Message):
    __slots__ = ["reason", "request_id"]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    reason: str
    request_id: str
    def __init__(self, request_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DenyResponse(_message.Message):
    __slots__ = ["request_id", "status"]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    status: str
    def __init__(self, status: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetAuditStatsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetAuditStatsResponse(_message.Message):
    __slots__ = ["by_category", "by_result", "total"]
    class ByCategoryEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class ByResultEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    BY_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    BY_RESULT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    by_category: _containers.ScalarMap[str, int]
    by_result: _containers.ScalarMap[str, int]
    total: int
    def __init__(self, total: _Optional[int] = ..., by_result: _Optional[_Mapping[str, int]] = ..., by_category: _Optional[_Mapping[str, int]] = ...) -> None: ...

class ListApprovalsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListApprovalsResponse(_message.Message):
    __slots__ = ["pending"]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    pending: _containers.RepeatedCompositeFieldContainer[ApprovalRequest]
    def __init__(self, pending: _Optional[_Iterable[_Union[ApprovalRequest, _Mapping]]] = ...) -> None: ...

class ListAuditEntriesRequest(_message.Message):
    __slots__ = ["agent_id", "category", "limit", "result"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    category: str
    limit: int
    result: str
    def __init__(self, limit: _Optional[int] = ..., result: _Optional[str] = ..., category: _Optional[str] = ..., agent_id: _Optional[str] = ...) -> None: ...

class ListAuditEntriesResponse(_message.Message):
    __slots__ = ["entries", "filters", "total"]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[AuditEntry]
    filters: AuditFilters
    total: int
    def __init__(self, entries: _Optional[_Iterable[_Union[AuditEntry, _Mapping]]] = ..., total: _Optional[int] = ..., filters: _Optional[_Union[AuditFilters, _Mapping]] = ...) -> None: ...

class PreApproveRequest(_message.Message):
    __slots__ = ["operation", "pattern", "session_id", "ttl_seconds"]
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    operation: str
    pattern: str
    session_id: str
    ttl_seconds: int
    def __init__(self, operation: _Optional[str] = ..., pattern: _Optional[str] = ..., session_id: _Optional[str] = ..., ttl_seconds: _Optional[int] = ...) -> None: ...

class PreApproveResponse(_message.Message):
    __slots__ = ["operation", "pattern", "status"]
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    operation: str
    pattern: str
    status: str
    def __init__(self, status: _Optional[str] = ..., operation: _Optional[str] = ..., pattern: _Optional[str] = ...) -> None: ...

class VerifyAuditChainRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class VerifyAuditChainResponse(_message.Message):
    __slots__ = ["checked", "first_broken_id", "head_hash", "intact", "problem"]
    CHECKED_FIELD_NUMBER: _ClassVar[int]
    FIRST_BROKEN_ID_FIELD_NUMBER: _ClassVar[int]
    HEAD_HASH_FIELD_NUMBER: _ClassVar[int]
    INTACT_FIELD_NUMBER: _ClassVar[int]
    PROBLEM_FIELD_NUMBER: _ClassVar[int]
    checked: int
    first_broken_id: str
    head_hash: str
    intact: bool
    problem: str
    def __init__(self, intact: bool = ..., checked: _Optional[int] = ..., first_broken_id: _Optional[str] = ..., problem: _Optional[str] = ..., head_hash: _Optional[str] = ...) -> None: ...
