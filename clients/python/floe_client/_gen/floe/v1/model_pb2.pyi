from floe.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DiscoverModelsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class DiscoverModelsResponse(_message.Message):
    __slots__ = ["models"]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[DiscoveredModel]
    def __init__(self, models: _Optional[_Iterable[_Union[DiscoveredModel, _Mapping]]] = ...) -> None: ...

class DiscoveredModel(_message.Message):
    __slots__ = ["context_length", "id", "max_output_tokens", "name", "pricing", "provider"]
    CONTEXT_LENGTH_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PRICING_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    context_length: int
    id: str
    max_output_tokens: int
    name: str
    pricing: ModelPricing
    provider: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., provider: _Optional[str] = ..., context_length: _Optional[int] = ..., max_output_tokens: _Optional[int] = ..., pricing: _Optional[_Union[ModelPricing, _Mapping]] = ...) -> None: ...

class GetCurrentModelRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetCurrentModelResponse(_message.Message):
    __slots__ = ["client_preference", "id", "max_output_tokens", "model", "offline", "provider", "reasoning_enabled", "streaming_enabled", "temperature", "vision_enabled"]
    CLIENT_PREFERENCE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    OFFLINE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    REASONING_ENABLED_FIELD_NUMBER: _ClassVar[int]
    STREAMING_ENABLED_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    VISION_ENABLED_FIELD_NUMBER: _ClassVar[int]
    client_preference: str
    id: str
    max_output_tokens: int
    model: str
    offline: bool
    provider: str
    reasoning_enabled: bool
    streaming_enabled: bool
    temperature: float
    vision_enabled: bool
    def __init__(self, model: _Optional[str] = ..., provider: _Optional[str] = ..., client_preference: _Optional[str] = ..., max_output_tokens: _Optional[int] = ..., temperature: _Optional[float] = ..., streaming_enabled: bool = ..., vision_enabled: bool = ..., id: _Optional[str] = ..., reasoning_enabled: bool = ..., offline: bool = ...) -> None: ...

class ListModelsRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListModelsResponse(_message.Message):
    __slots__ = ["models"]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[ModelEntry]
    def __init__(self, models: _Optional[_Iterable[_Union[ModelEntry, _Mapping]]] = ...) -> None: ...

class LoadModelRequest(_message.Message):
    __slots__ = ["agent_id", "model_id"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    model_id: str
    def __init__(self, model_id: _Optional[str] = ..., agent_id: _Optional[str] = ...) -> None: ...

class LoadModelResponse(_message.Message):
    __slots__ = ["current_model", "message", "model_id", "status"]
    CURRENT_MODEL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    current_model: str
    message: str
    model_id: str
    status: str
    def __init__(self, status: _Optional[str] = ..., model_id: _Optional[str] = ..., current_model: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class ModelEntry(_message.Message):
    __slots__ = ["config", "current", "is_default"]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    IS_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    config: _common_pb2.ModelConfig
    current: bool
    is_default: bool
    def __init__(self, config: _Optional[_Union[_common_pb2.ModelConfig, _Mapping]] = ..., current: bool = ..., is_default: bool = ...) -> None: ...

class ModelPricing(_message.Message):
    __slots__ = ["completion", "prompt"]
    COMPLETION_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    completion: str
    prompt: str
    def __init__(self, prompt: _Optional[str] = ..., completion: _Optional[str] = ...) -> None: ...
