from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListPeersRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListPeersResponse(_message.Message):
    __slots__ = ["peers", "self_id"]
    PEERS_FIELD_NUMBER: _ClassVar[int]
    SELF_ID_FIELD_NUMBER: _ClassVar[int]
    peers: _containers.RepeatedCompositeFieldContainer[Peer]
    self_id: str
    def __init__(self, self_id: _Optional[str] = ..., peers: _Optional[_Iterable[_Union[Peer, _Mapping]]] = ...) -> None: ...

class Peer(_message.Message):
    __slots__ = ["agent_id", "groups", "ip", "name"]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    groups: _containers.RepeatedScalarFieldContainer[str]
    ip: str
    name: str
    def __init__(self, name: _Optional[str] = ..., agent_id: _Optional[str] = ..., ip: _Optional[str] = ..., groups: _Optional[_Iterable[str]] = ...) -> None: ...
