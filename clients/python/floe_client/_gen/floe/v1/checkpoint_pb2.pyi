from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BranchCheckpointRequest(_message.Message):
    __slots__ = ["checkpoint_id", "description", "name"]
    CHECKPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    checkpoint_id: str
    description: str
    name: str
    def __init__(self, checkpoint_id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class BranchCheckpointResponse(_message.Message):
    __slots__ = ["branch_id", "description", "name", "source_checkpoint_id", "status"]
    BRANCH_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_CHECKPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    branch_id: str
    description: str
    name: str
    source_checkpoint_id: str
    status: str
    def __init__(self, branch_id: _Optional[str] = ..., source_checkpoint_id: _Optional[str] = ..., status: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class Checkpoint(_message.Message):
    __slots__ = ["created_at", "description", "file_count", "id", "message_count", "name", "session_id", "type"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FILE_COUNT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    created_at: str
    description: str
    file_count: int
    id: str
    message_count: int
    name: str
    session_id: str
    type: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., created_at: _Optional[str] = ..., type: _Optional[str] = ..., session_id: _Optional[str] = ..., message_count: _Optional[int] = ..., file_count: _Optional[int] = ...) -> None: ...

class CheckpointConfig(_message.Message):
    __slots__ = ["frequency", "max_age_days", "retention_hours"]
    FREQUENCY_FIELD_NUMBER: _ClassVar[int]
    MAX_AGE_DAYS_FIELD_NUMBER: _ClassVar[int]
    RETENTION_HOURS_FIELD_NUMBER: _ClassVar[int]
    frequency: int
    max_age_days: int
    retention_hours: int
    def __init__(self, frequency: _Optional[int] = ..., retention_hours: _Optional[int] = ..., max_age_days: _Optional[int] = ...) -> None: ...

class CleanupCheckpointsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class CleanupCheckpointsResponse(_message.Message):
    __slots__ = ["blobs_removed", "cleaned_count", "message", "status"]
    BLOBS_REMOVED_FIELD_NUMBER: _ClassVar[int]
    CLEANED_COUNT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    blobs_removed: int
    cleaned_count: int
    message: str
    status: str
    def __init__(self, status: _Optional[str] = ..., cleaned_count: _Optional[int] = ..., message: _Optional[str] = ..., blobs_removed: _Optional[int] = ...) -> None: ...

class CreateCheckpointRequest(_message.Message):
    __slots__ = ["conversation_id", "description", "name", "session_id"]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    description: str
    name: str
    session_id: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., session_id: _Optional[str] = ..., conversation_id: _Optional[str] = ...) -> None: ...

class CreateCheckpointResponse(_message.Message):
    __slots__ = ["checkpoint_id", "description", "name", "status"]
    CHECKPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    checkpoint_id: str
    description: str
    name: str
    status: str
    def __init__(self, checkpoint_id: _Optional[str] = ..., status: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class GetCheckpointStatsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetCheckpointStatsResponse(_message.Message):
    __slots__ = ["auto_checkpoints", "branch_checkpoints", "config", "enabled", "manual_checkpoints", "rollback_checkpoints", "total_checkpoints"]
    AUTO_CHECKPOINTS_FIELD_NUMBER: _ClassVar[int]
    BRANCH_CHECKPOINTS_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    MANUAL_CHECKPOINTS_FIELD_NUMBER: _ClassVar[int]
    ROLLBACK_CHECKPOINTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CHECKPOINTS_FIELD_NUMBER: _ClassVar[int]
    auto_checkpoints: int
    branch_checkpoints: int
    config: CheckpointConfig
    enabled: bool
    manual_checkpoints: int
    rollback_checkpoints: int
    total_checkpoints: int
    def __init__(self, enabled: bool = ..., total_checkpoints: _Optional[int] = ..., auto_checkpoints: _Optional[int] = ..., manual_checkpoints: _Optional[int] = ..., branch_checkpoints: _Optional[int] = ..., config: _Optional[_Union[CheckpointConfig, _Mapping]] = ..., rollback_checkpoints: _Optional[int] = ...) -> None: ...

class ListCheckpointsRequest(_message.Message):
    __slots__ = ["conversation_id", "limit", "session_id"]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    limit: int
    session_id: str
    def __init__(self, session_id: _Optional[str] = ..., limit: _Optional[int] = ..., conversation_id: _Optional[str] = ...) -> None: ...

class ListCheckpointsResponse(_message.Message):
    __slots__ = ["checkpoints"]
    CHECKPOINTS_FIELD_NUMBER: _ClassVar[int]
    checkpoints: _containers.RepeatedCompositeFieldContainer[Checkpoint]
    def __init__(self, checkpoints: _Optional[_Iterable[_Union[Checkpoint, _Mapping]]] = ...) -> None: ...

class RollbackCheckpointRequest(_message.Message):
    __slots__ = ["checkpoint_id", "force"]
    CHECKPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    checkpoint_id: str
    force: bool
    def __init__(self, checkpoint_id: _Optional[str] = ..., force: bool = ...) -> None: ...

class RollbackCheckpointResponse(_message.Message):
    __slots__ = ["changed_files", "checkpoint_id", "message", "message_count", "safety_checkpoint_id", "session_id", "status"]
    CHANGED_FILES_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SAFETY_CHECKPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    changed_files: _containers.RepeatedScalarFieldContainer[str]
    checkpoint_id: str
    message: str
    message_count: int
    safety_checkpoint_id: str
    session_id: str
    status: str
    def __init__(self, status: _Optional[str] = ..., checkpoint_id: _Optional[str] = ..., message: _Optional[str] = ..., changed_files: _Optional[_Iterable[str]] = ..., safety_checkpoint_id: _Optional[str] = ..., session_id: _Optional[str] = ..., message_count: _Optional[int] = ...) -> None: ...
