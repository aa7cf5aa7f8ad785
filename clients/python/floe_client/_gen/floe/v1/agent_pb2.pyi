from floe.v1 import chat_pb2 as _chat_pb2
from floe.v1 import common_pb2 as _common_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Agent(_message.Message):
    __slots__ = ["active", "children", "conversation_id", "created_at", "default_tools", "id", "is_sub_agent", "model", "model_config_id", "parent", "paused", "persona", "persona_description", "roles", "system_prompt"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CHILDREN_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_TOOLS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    IS_SUB_AGENT_FIELD_NUMBER: _ClassVar[int]
    MODEL_CONFIG_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    PERSONA_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PERSONA_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_PROMPT_FIELD_NUMBER: _ClassVar[int]
    active: bool
    children: _containers.RepeatedScalarFieldContainer[str]
    conversation_id: str
    created_at: str
    default_tools: _containers.RepeatedScalarFieldContainer[str]
    id: str
    is_sub_agent: bool
    model: AgentModel
    model_config_id: str
    parent: str
    paused: bool
    persona: str
    persona_description: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    system_prompt: str
    def __init__(self, id: _Optional[str] = ..., persona: _Optional[str] = ..., persona_description: _Optional[str] = ..., model: _Optional[_Union[AgentModel, _Mapping]] = ..., parent: _Optional[str] = ..., children: _Optional[_Iterable[str]] = ..., default_tools: _Optional[_Iterable[str]] = ..., active: bool = ..., paused: bool = ..., is_sub_agent: bool = ..., roles: _Optional[_Iterable[str]] = ..., system_prompt: _Optional[str] = ..., conversation_id: _Optional[str] = ..., model_config_id: _Optional[str] = ..., created_at: _Optional[str] = ...) -> None: ...

class AgentModel(_message.Message):
    __slots__ = ["max_context_window_tokens", "max_output_tokens", "model", "provider"]
    MAX_CONTEXT_WINDOW_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    max_context_window_tokens: int
    max_output_tokens: int
    model: str
    provider: str
    def __init__(self, model: _Optional[str] = ..., provider: _Optional[str] = ..., max_output_tokens: _Optional[int] = ..., max_context_window_tokens: _Optional[int] = ...) -> None: ...

class AgentSession(_message.Message):
    __slots__ = ["created_at", "id", "message_count", "updated_at"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    created_at: str
    id: str
    message_count: int
    updated_at: str
    def __init__(self, id: _Optional[str] = ..., created_at: _Optional[str] = ..., updated_at: _Optional[str] = ..., message_count: _Optional[int] = ...) -> None: ...

class CreateAgentRequest(_message.Message):
    __slots__ = ["activate", "default_tools", "id", "initial_prompt", "model_config_id", "parent", "persona", "persona_description", "system_prompt"]
    ACTIVATE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_TOOLS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    INITIAL_PROMPT_FIELD_NUMBER: _ClassVar[int]
    MODEL_CONFIG_ID_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PERSONA_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PERSONA_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_PROMPT_FIELD_NUMBER: _ClassVar[int]
    activate: bool
    default_tools: _containers.RepeatedScalarFieldContainer[str]
    id: str
    initial_prompt: str
    model_config_id: str
    parent: str
    persona: str
    persona_description: str
    system_prompt: str
    def __init__(self, id: _Optional[str] = ..., model_config_id: _Optional[str] = ..., persona: _Optional[str] = ..., system_prompt: _Optional[str] = ..., activate: bool = ..., default_tools: _Optional[_Iterable[str]] = ..., initial_prompt: _Optional[str] = ..., parent: _Optional[str] = ..., persona_description: _Optional[str] = ...) -> None: ...

class CreateAgentResponse(_message.Message):
    __slots__ = ["agent", "initial_run_id"]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    INITIAL_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    agent: Agent
    initial_run_id: str
    def __init__(self, agent: _Optional[_Union[Agent, _Mapping]] = ..., initial_run_id: _Optional[str] = ...) -> None: ...

class DelegateTaskRequest(_message.Message):
    __slots__ = ["agent_id", "channel", "content", "metadata", "parent", "parent_run_id", "report_to_parent", "wait"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PARENT_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    REPORT_TO_PARENT_FIELD_NUMBER: _ClassVar[int]
    WAIT_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    channel: str
    content: str
    metadata: _struct_pb2.Struct
    parent: str
    parent_run_id: str
    report_to_parent: bool
    wait: bool
    def __init__(self, agent_id: _Optional[str] = ..., content: _Optional[str] = ..., parent: _Optional[str] = ..., channel: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., wait: bool = ..., report_to_parent: bool = ..., parent_run_id: _Optional[str] = ...) -> None: ...

class DelegateTaskResponse(_message.Message):
    __slots__ = ["agent_id", "conversation_id", "parent", "result", "run_id", "status"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    conversation_id: str
    parent: str
    result: _chat_pb2.SendMessageResponse
    run_id: str
    status: str
    def __init__(self, status: _Optional[str] = ..., agent_id: _Optional[str] = ..., parent: _Optional[str] = ..., run_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., result: _Optional[_Union[_chat_pb2.SendMessageResponse, _Mapping]] = ...) -> None: ...

class DeleteAgentRequest(_message.Message):
    __slots__ = ["agent_id", "preserve_conversation"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    PRESERVE_CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    preserve_conversation: bool
    def __init__(self, agent_id: _Optional[str] = ..., preserve_conversation: bool = ...) -> None: ...

class DeleteAgentResponse(_message.Message):
    __slots__ = ["agent_id", "conversation_preserved"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_PRESERVED_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    conversation_preserved: bool
    def __init__(self, agent_id: _Optional[str] = ..., conversation_preserved: bool = ...) -> None: ...

class GetAgentHistoryRequest(_message.Message):
    __slots__ = ["agent_id", "include_system", "limit"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_SYSTEM_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    include_system: bool
    limit: int
    def __init__(self, agent_id: _Optional[str] = ..., include_system: bool = ..., limit: _Optional[int] = ...) -> None: ...

class GetAgentHistoryResponse(_message.Message):
    __slots__ = ["agent_id", "messages"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    messages: _containers.RepeatedCompositeFieldContainer[_common_pb2.ChatMessage]
    def __init__(self, agent_id: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[_common_pb2.ChatMessage, _Mapping]]] = ...) -> None: ...

class GetAgentRequest(_message.Message):
    __slots__ = ["agent_id"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class GetAgentResponse(_message.Message):
    __slots__ = ["agent"]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    agent: Agent
    def __init__(self, agent: _Optional[_Union[Agent, _Mapping]] = ...) -> None: ...

class GetAgentSessionHistoryRequest(_message.Message):
    __slots__ = ["agent_id", "session_id"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    session_id: str
    def __init__(self, agent_id: _Optional[str] = ..., session_id: _Optional[str] = ...) -> None: ...

class GetAgentSessionHistoryResponse(_message.Message):
    __slots__ = ["agent_id", "messages", "session_id"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    messages: _containers.RepeatedCompositeFieldContainer[_common_pb2.ChatMessage]
    session_id: str
    def __init__(self, agent_id: _Optional[str] = ..., session_id: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[_common_pb2.ChatMessage, _Mapping]]] = ...) -> None: ...

class ListAgentSessionsRequest(_message.Message):
    __slots__ = ["agent_id"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class ListAgentSessionsResponse(_message.Message):
    __slots__ = ["agent_id", "sessions"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    sessions: _containers.RepeatedCompositeFieldContainer[AgentSession]
    def __init__(self, agent_id: _Optional[str] = ..., sessions: _Optional[_Iterable[_Union[AgentSession, _Mapping]]] = ...) -> None: ...

class ListAgentsRequest(_message.Message):
    __slots__ = ["simple"]
    SIMPLE_FIELD_NUMBER: _ClassVar[int]
    simple: bool
    def __init__(self, simple: bool = ...) -> None: ...

class ListAgentsResponse(_message.Message):
    __slots__ = ["agents"]
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    agents: _containers.RepeatedCompositeFieldContainer[Agent]
    def __init__(self, agents: _Optional[_Iterable[_Union[Agent, _Mapping]]] = ...) -> None: ...

class RegisterAgentRoleRequest(_message.Message):
    __slots__ = ["agent_id", "role"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    role: str
    def __init__(self, agent_id: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class RegisterAgentRoleResponse(_message.Message):
    __slots__ = ["agent_id", "role", "status"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    role: str
    status: str
    def __init__(self, status: _Optional[str] = ..., agent_id: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class UpdateAgentRequest(_message.Message):
    __slots__ = ["active", "agent_id", "default_tools", "model_config_id", "paused", "persona", "persona_description", "system_prompt"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_TOOLS_FIELD_NUMBER: _ClassVar[int]
    MODEL_CONFIG_ID_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    PERSONA_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PERSONA_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_PROMPT_FIELD_NUMBER: _ClassVar[int]
    active: bool
    agent_id: str
    default_tools: _containers.RepeatedScalarFieldContainer[str]
    model_config_id: str
    paused: bool
    persona: str
    persona_description: str
    system_prompt: str
    def __init__(self, agent_id: _Optional[str] = ..., paused: bool = ..., default_tools: _Optional[_Iterable[str]] = ..., system_prompt: _Optional[str] = ..., active: bool = ..., model_config_id: _Optional[str] = ..., persona: _Optional[str] = ..., persona_description: _Optional[str] = ...) -> None: ...

class UpdateAgentResponse(_message.Message):
    __slots__ = ["agent"]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    agent: Agent
    def __init__(self, agent: _Optional[_Union[Agent, _Mapping]] = ...) -> None: ...
