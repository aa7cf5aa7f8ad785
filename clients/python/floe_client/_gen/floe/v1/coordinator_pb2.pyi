from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BroadcastRequest(_message.Message):
    __slots__ = ["content", "message_type", "roles"]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    content: str
    message_type: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, roles: _Optional[_Iterable[str]] = ..., content: _Optional[str] = ..., message_type: _Optional[str] = ...) -> None: ...

class BroadcastResponse(_message.Message):
    __slots__ = ["status", "steps"]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    status: str
    steps: _containers.RepeatedCompositeFieldContainer[CoordinationStep]
    def __init__(self, status: _Optional[str] = ..., steps: _Optional[_Iterable[_Union[CoordinationStep, _Mapping]]] = ...) -> None: ...

class CoordinationStep(_message.Message):
    __slots__ = ["agent_id", "prompt", "response", "role", "run_id", "status"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    prompt: str
    response: str
    role: str
    run_id: str
    status: str
    def __init__(self, role: _Optional[str] = ..., agent_id: _Optional[str] = ..., prompt: _Optional[str] = ..., response: _Optional[str] = ..., run_id: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class RoleChainRequest(_message.Message):
    __slots__ = ["content", "roles"]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    content: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, roles: _Optional[_Iterable[str]] = ..., content: _Optional[str] = ...) -> None: ...

class RoleChainResponse(_message.Message):
    __slots__ = ["final_response", "status", "steps"]
    FINAL_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    final_response: str
    status: str
    steps: _containers.RepeatedCompositeFieldContainer[CoordinationStep]
    def __init__(self, status: _Optional[str] = ..., steps: _Optional[_Iterable[_Union[CoordinationStep, _Mapping]]] = ..., final_response: _Optional[str] = ...) -> None: ...

class RoundRobinWorkflowRequest(_message.Message):
    __slots__ = ["prompts", "role"]
    PROMPTS_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    prompts: _containers.RepeatedScalarFieldContainer[str]
    role: str
    def __init__(self, role: _Optional[str] = ..., prompts: _Optional[_Iterable[str]] = ...) -> None: ...

class RoundRobinWorkflowResponse(_message.Message):
    __slots__ = ["status", "steps"]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    status: str
    steps: _containers.RepeatedCompositeFieldContainer[CoordinationStep]
    def __init__(self, status: _Optional[str] = ..., steps: _Optional[_Iterable[_Union[CoordinationStep, _Mapping]]] = ...) -> None: ...

class SendToRoleRequest(_message.Message):
    __slots__ = ["content", "message_type", "role"]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    content: str
    message_type: str
    role: str
    def __init__(self, role: _Optional[str] = ..., content: _Optional[str] = ..., message_type: _Optional[str] = ...) -> None: ...

class SendToRoleResponse(_message.Message):
    __slots__ = ["status", "steps"]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    status: str
    steps: _containers.RepeatedCompositeFieldContainer[CoordinationStep]
    def __init__(self, status: _Optional[str] = ..., steps: _Optional[_Iterable[_Union[CoordinationStep, _Mapping]]] = ...) -> None: ...
