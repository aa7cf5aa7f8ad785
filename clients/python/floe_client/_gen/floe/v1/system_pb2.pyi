from floe.v1 import common_pb2 as _common_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Capabilities(_message.Message):
    __slots__ = ["checkpoint_management", "context_files", "file_upload", "model_switching", "multi_modal", "run_mode", "streaming_enabled", "task_execution", "vision_enabled", "websocket_support"]
    CHECKPOINT_MANAGEMENT_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FILES_FIELD_NUMBER: _ClassVar[int]
    FILE_UPLOAD_FIELD_NUMBER: _ClassVar[int]
    MODEL_SWITCHING_FIELD_NUMBER: _ClassVar[int]
    MULTI_MODAL_FIELD_NUMBER: _ClassVar[int]
    RUN_MODE_FIELD_NUMBER: _ClassVar[int]
    STREAMING_ENABLED_FIELD_NUMBER: _ClassVar[int]
    TASK_EXECUTION_FIELD_NUMBER: _ClassVar[int]
    VISION_ENABLED_FIELD_NUMBER: _ClassVar[int]
    WEBSOCKET_SUPPORT_FIELD_NUMBER: _ClassVar[int]
    checkpoint_management: bool
    context_files: bool
    file_upload: bool
    model_switching: bool
    multi_modal: bool
    run_mode: bool
    streaming_enabled: bool
    task_execution: bool
    vision_enabled: bool
    websocket_support: bool
    def __init__(self, vision_enabled: bool = ..., streaming_enabled: bool = ..., checkpoint_management: bool = ..., model_switching: bool = ..., file_upload: bool = ..., websocket_support: bool = ..., task_execution: bool = ..., run_mode: bool = ..., multi_modal: bool = ..., context_files: bool = ...) -> None: ...

class CapabilityModel(_message.Message):
    __slots__ = ["model", "provider", "vision_enabled"]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    VISION_ENABLED_FIELD_NUMBER: _ClassVar[int]
    model: str
    provider: str
    vision_enabled: bool
    def __init__(self, model: _Optional[str] = ..., provider: _Optional[str] = ..., vision_enabled: bool = ...) -> None: ...

class ContextFile(_message.Message):
    __slots__ = ["modified_at", "path", "size"]
    MODIFIED_AT_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    modified_at: str
    path: str
    size: int
    def __init__(self, path: _Optional[str] = ..., size: _Optional[int] = ..., modified_at: _Optional[str] = ...) -> None: ...

class ConversationManagerInfo(_message.Message):
    __slots__ = ["active", "current_session_id", "total_messages"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_MESSAGES_FIELD_NUMBER: _ClassVar[int]
    active: bool
    current_session_id: str
    total_messages: int
    def __init__(self, active: bool = ..., current_session_id: _Optional[str] = ..., total_messages: _Optional[int] = ...) -> None: ...

class CurrentModelSummary(_message.Message):
    __slots__ = ["model", "provider", "streaming_enabled", "vision_enabled"]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    STREAMING_ENABLED_FIELD_NUMBER: _ClassVar[int]
    VISION_ENABLED_FIELD_NUMBER: _ClassVar[int]
    model: str
    provider: str
    streaming_enabled: bool
    vision_enabled: bool
    def __init__(self, model: _Optional[str] = ..., provider: _Optional[str] = ..., streaming_enabled: bool = ..., vision_enabled: bool = ...) -> None: ...

class GetCapabilitiesRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetCapabilitiesResponse(_message.Message):
    __slots__ = ["api_version", "capabilities", "current_model", "penguin_version", "vision_enabled"]
    API_VERSION_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    CURRENT_MODEL_FIELD_NUMBER: _ClassVar[int]
    PENGUIN_VERSION_FIELD_NUMBER: _ClassVar[int]
    VISION_ENABLED_FIELD_NUMBER: _ClassVar[int]
    api_version: str
    capabilities: Capabilities
    current_model: CapabilityModel
    penguin_version: str
    vision_enabled: bool
    def __init__(self, capabilities: _Optional[_Union[Capabilities, _Mapping]] = ..., current_model: _Optional[_Union[CapabilityModel, _Mapping]] = ..., api_version: _Optional[str] = ..., penguin_version: _Optional[str] = ..., vision_enabled: bool = ...) -> None: ...

class GetInfoRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetInfoResponse(_message.Message):
    __slots__ = ["checkpoints_enabled", "conversation_manager", "current_model", "engine_available", "memory_provider", "penguin_version", "tool_manager"]
    CHECKPOINTS_ENABLED_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_MANAGER_FIELD_NUMBER: _ClassVar[int]
    CURRENT_MODEL_FIELD_NUMBER: _ClassVar[int]
    ENGINE_AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    MEMORY_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    PENGUIN_VERSION_FIELD_NUMBER: _ClassVar[int]
    TOOL_MANAGER_FIELD_NUMBER: _ClassVar[int]
    checkpoints_enabled: bool
    conversation_manager: ConversationManagerInfo
    current_model: CurrentModelSummary
    engine_available: bool
    memory_provider: MemoryProviderInfo
    penguin_version: str
    tool_manager: ToolManagerInfo
    def __init__(self, penguin_version: _Optional[str] = ..., engine_available: bool = ..., checkpoints_enabled: bool = ..., current_model: _Optional[_Union[CurrentModelSummary, _Mapping]] = ..., conversation_manager: _Optional[_Union[ConversationManagerInfo, _Mapping]] = ..., tool_manager: _Optional[_Union[ToolManagerInfo, _Mapping]] = ..., memory_provider: _Optional[_Union[MemoryProviderInfo, _Mapping]] = ...) -> None: ...

class GetRuntimeConfigRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetRuntimeConfigResponse(_message.Message):
    __slots__ = ["config", "status"]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    config: RuntimeConfig
    status: str
    def __init__(self, status: _Optional[str] = ..., config: _Optional[_Union[RuntimeConfig, _Mapping]] = ...) -> None: ...

class GetStatusRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetStatusResponse(_message.Message):
    __slots__ = ["continuous_mode", "initialization", "runmode_status", "status", "streaming_active", "timestamp", "token_usage"]
    CONTINUOUS_MODE_FIELD_NUMBER: _ClassVar[int]
    INITIALIZATION_FIELD_NUMBER: _ClassVar[int]
    RUNMODE_STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STREAMING_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    TOKEN_USAGE_FIELD_NUMBER: _ClassVar[int]
    continuous_mode: bool
    initialization: InitializationInfo
    runmode_status: str
    status: str
    streaming_active: bool
    timestamp: str
    token_usage: StatusTokenUsage
    def __init__(self, status: _Optional[str] = ..., runmode_status: _Optional[str] = ..., continuous_mode: bool = ..., streaming_active: bool = ..., token_usage: _Optional[_Union[StatusTokenUsage, _Mapping]] = ..., timestamp: _Optional[str] = ..., initialization: _Optional[_Union[InitializationInfo, _Mapping]] = ...) -> None: ...

class GetTokenUsageRequest(_message.Message):
    __slots__ = ["conversation_id"]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    def __init__(self, conversation_id: _Optional[str] = ...) -> None: ...

class GetTokenUsageResponse(_message.Message):
    __slots__ = ["per_agent", "per_conversation", "per_model", "total"]
    class PerAgentEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _common_pb2.TokenCounts
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_common_pb2.TokenCounts, _Mapping]] = ...) -> None: ...
    class PerConversationEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _common_pb2.TokenCounts
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_common_pb2.TokenCounts, _Mapping]] = ...) -> None: ...
    class PerModelEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _common_pb2.TokenCounts
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_common_pb2.TokenCounts, _Mapping]] = ...) -> None: ...
    PER_AGENT_FIELD_NUMBER: _ClassVar[int]
    PER_CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    PER_MODEL_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    per_agent: _containers.MessageMap[str, _common_pb2.TokenCounts]
    per_conversation: _containers.MessageMap[str, _common_pb2.TokenCounts]
    per_model: _containers.MessageMap[str, _common_pb2.TokenCounts]
    total: _common_pb2.TokenCounts
    def __init__(self, total: _Optional[_Union[_common_pb2.TokenCounts, _Mapping]] = ..., per_conversation: _Optional[_Mapping[str, _common_pb2.TokenCounts]] = ..., per_agent: _Optional[_Mapping[str, _common_pb2.TokenCounts]] = ..., per_model: _Optional[_Mapping[str, _common_pb2.TokenCounts]] = ...) -> None: ...

class InitializationInfo(_message.Message):
    __slots__ = ["core_initialized", "fast_startup_enabled"]
    CORE_INITIALIZED_FIELD_NUMBER: _ClassVar[int]
    FAST_STARTUP_ENABLED_FIELD_NUMBER: _ClassVar[int]
    core_initialized: bool
    fast_startup_enabled: bool
    def __init__(self, core_initialized: bool = ..., fast_startup_enabled: bool = ...) -> None: ...

class ListContextFilesRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListContextFilesResponse(_message.Message):
    __slots__ = ["files"]
    FILES_FIELD_NUMBER: _ClassVar[int]
    files: _containers.RepeatedCompositeFieldContainer[ContextFile]
    def __init__(self, files: _Optional[_Iterable[_Union[ContextFile, _Mapping]]] = ...) -> None: ...

class ListToolsRequest(_message.Message):
    __slots__ = ["agent_id"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class ListToolsResponse(_message.Message):
    __slots__ = ["mcp_servers", "tools"]
    MCP_SERVERS_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    mcp_servers: _containers.RepeatedCompositeFieldContainer[McpServerInfo]
    tools: _containers.RepeatedCompositeFieldContainer[ToolInfo]
    def __init__(self, tools: _Optional[_Iterable[_Union[ToolInfo, _Mapping]]] = ..., mcp_servers: _Optional[_Iterable[_Union[McpServerInfo, _Mapping]]] = ...) -> None: ...

class LoadContextFileRequest(_message.Message):
    __slots__ = ["conversation_id", "file_path"]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_PATH_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    file_path: str
    def __init__(self, file_path: _Optional[str] = ..., conversation_id: _Optional[str] = ...) -> None: ...

class LoadContextFileResponse(_message.Message):
    __slots__ = ["chars", "conversation_id", "file_path", "status"]
    CHARS_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_PATH_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    chars: int
    conversation_id: str
    file_path: str
    status: str
    def __init__(self, status: _Optional[str] = ..., file_path: _Optional[str] = ..., conversation_id: _Optional[str] = ..., chars: _Optional[int] = ...) -> None: ...

class McpServerInfo(_message.Message):
    __slots__ = ["agent_id", "error", "name", "restarts", "state", "tool_count", "transport"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RESTARTS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TOOL_COUNT_FIELD_NUMBER: _ClassVar[int]
    TRANSPORT_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    error: str
    name: str
    restarts: int
    state: str
    tool_count: int
    transport: str
    def __init__(self, name: _Optional[str] = ..., transport: _Optional[str] = ..., agent_id: _Optional[str] = ..., state: _Optional[str] = ..., error: _Optional[str] = ..., tool_count: _Optional[int] = ..., restarts: _Optional[int] = ...) -> None: ...

class MemoryProviderInfo(_message.Message):
    __slots__ = ["initialized", "provider_type"]
    INITIALIZED_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    initialized: bool
    provider_type: str
    def __init__(self, initialized: bool = ..., provider_type: _Optional[str] = ...) -> None: ...

class RuntimeConfig(_message.Message):
    __slots__ = ["active_root", "execution_mode", "project_root", "workspace_root"]
    ACTIVE_ROOT_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_MODE_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ROOT_FIELD_NUMBER: _ClassVar[int]
    WORKSPACE_ROOT_FIELD_NUMBER: _ClassVar[int]
    active_root: str
    execution_mode: str
    project_root: str
    workspace_root: str
    def __init__(self, project_root: _Optional[str] = ..., workspace_root: _Optional[str] = ..., execution_mode: _Optional[str] = ..., active_root: _Optional[str] = ...) -> None: ...

class SetExecutionModeRequest(_message.Message):
    __slots__ = ["mode"]
    MODE_FIELD_NUMBER: _ClassVar[int]
    mode: str
    def __init__(self, mode: _Optional[str] = ...) -> None: ...

class SetExecutionModeResponse(_message.Message):
    __slots__ = ["active_root", "execution_mode", "message", "status"]
    ACTIVE_ROOT_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_MODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    active_root: str
    execution_mode: str
    message: str
    status: str
    def __init__(self, status: _Optional[str] = ..., message: _Optional[str] = ..., execution_mode: _Optional[str] = ..., active_root: _Optional[str] = ...) -> None: ...

class SetProjectRootRequest(_message.Message):
    __slots__ = ["path"]
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class SetProjectRootResponse(_message.Message):
    __slots__ = ["active_root", "message", "path", "status"]
    ACTIVE_ROOT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    active_root: str
    message: str
    path: str
    status: str
    def __init__(self, status: _Optional[str] = ..., message: _Optional[str] = ..., path: _Optional[str] = ..., active_root: _Optional[str] = ...) -> None: ...

class SetWorkspaceRootRequest(_message.Message):
    __slots__ = ["path"]
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class SetWorkspaceRootResponse(_message.Message):
    __slots__ = ["active_root", "message", "path", "status"]
    ACTIVE_ROOT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    active_root: str
    message: str
    path: str
    status: str
    def __init__(self, status: _Optional[str] = ..., message: _Optional[str] = ..., path: _Optional[str] = ..., active_root: _Optional[str] = ...) -> None: ...

class StatusTokenUsage(_message.Message):
    __slots__ = ["session", "total"]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    session: TokenIo
    total: TokenIo
    def __init__(self, total: _Optional[_Union[TokenIo, _Mapping]] = ..., session: _Optional[_Union[TokenIo, _Mapping]] = ...) -> None: ...

class TokenIo(_message.Message):
    __slots__ = ["input", "output"]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    input: int
    output: int
    def __init__(self, input: _Optional[int] = ..., output: _Optional[int] = ...) -> None: ...

class ToolInfo(_message.Message):
    __slots__ = ["description", "name", "operation", "parameters", "source"]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    description: str
    name: str
    operation: str
    parameters: _struct_pb2.Struct
    source: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., source: _Optional[str] = ..., operation: _Optional[str] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class ToolManagerInfo(_message.Message):
    __slots__ = ["active", "total_tools"]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOOLS_FIELD_NUMBER: _ClassVar[int]
    active: bool
    total_tools: int
    def __init__(self, active: bool = ..., total_tools: _Optional[int] = ...) -> None: ...
