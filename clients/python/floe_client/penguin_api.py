"""PenguinAPI over gRPC: Penguin's programmatic client, served by a Floe server.

The methods, arguments and result keys are those of Penguin's ``PenguinAPI``,
so scripts written for it keep working; the difference is that this one
talks to a server (its URL, and an API key when the server has keys) instead
of embedding the engine. Streams resume by themselves after a dropped
connection, from the last event they saw.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any, AsyncIterator, Callable, Optional
from urllib.parse import urlparse

import grpc
from google.protobuf.json_format import MessageToDict

from ._stubs import (
    chat_pb2,
    chat_pb2_grpc,
    conversation_pb2,
    conversation_pb2_grpc,
    health_pb2,
    health_pb2_grpc,
    project_pb2,
    project_pb2_grpc,
)
from .errors import FloeError
from .run_stream import RunStream

OnChunk = Callable[[str, str], Any]


def _dict(message) -> dict:
    try:
        return MessageToDict(message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)
    except TypeError:  # protobuf before 5.26 names the flag differently
        return MessageToDict(message, preserving_proto_field_name=True, including_default_value_fields=True)


def _target(server_url: str) -> tuple[str, bool]:
    url = urlparse(server_url if "://" in server_url else f"http://{server_url}")
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ValueError(f"server_url must be http://host:port or https://host:port, not {server_url!r}")
    port = url.port or (443 if url.scheme == "https" else 80)
    return f"{url.hostname}:{port}", url.scheme == "https"


class PenguinAPI:
    """Penguin's programmatic interface, against a Floe server.

    ``server_url`` is the server's one port (default ``FLOE_URL``, else
    ``http://127.0.0.1:8000``); ``api_key`` (default ``FLOE_API_KEY`` or
    ``PENGUIN_API_KEY``) is sent as ``Authorization: Bearer <key>``. ``max_resumes``
    bounds how many dropped connections one stream survives.
    """

    def __init__(self, server_url: Optional[str] = None, api_key: Optional[str] = None,
                 max_resumes: int = 5, timeout: Optional[float] = None):
        server_url = server_url or os.environ.get("FLOE_URL") or "http://127.0.0.1:8000"
        if api_key is None:  # "" means no key, even when the environment has one
            api_key = os.environ.get("FLOE_API_KEY") or os.environ.get("PENGUIN_API_KEY")
        target, secure = _target(server_url)
        self._channel = grpc.aio.secure_channel(target, grpc.ssl_channel_credentials()) if secure \
            else grpc.aio.insecure_channel(target)
        self._metadata = (("authorization", f"Bearer {api_key}"),) if api_key else ()
        self._timeout = timeout
        self._chat = chat_pb2_grpc.ChatServiceStub(self._channel)
        self._conversations = conversation_pb2_grpc.ConversationServiceStub(self._channel)
        self._health = health_pb2_grpc.HealthServiceStub(self._channel)
        self._projects = project_pb2_grpc.ProjectServiceStub(self._channel)
        self.max_resumes = max_resumes
        #: How many times a stream of this client resumed after a dropped connection.
        self.resumes = 0

    async def close(self) -> None:
        await self._channel.close()

    async def __aenter__(self) -> "PenguinAPI":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def _unary(self, call, request):
        try:
            return await call(request, metadata=self._metadata, timeout=self._timeout)
        except grpc.aio.AioRpcError as e:
            raise FloeError(e.details() or str(e.code()), e.code().name) from e

    async def chat(self, message: str, agent_id: Optional[str] = None, streaming: bool = False,
                   include_reasoning: bool = False, on_chunk: Optional[OnChunk] = None,
                   conversation_id: Optional[str] = None, context: Optional[dict] = None,
                   context_files: Optional[list[str]] = None, max_iterations: Optional[int] = None,
                   image_path: Optional[str] = None) -> dict:
        """Sends a message; returns ``assistant_response``, ``reasoning``, ``action_results``
        and the ``conversation_id``. With ``streaming`` (or an ``on_chunk``), ``on_chunk(chunk,
        msg_type)`` sees each piece as it arrives, ``msg_type`` being ``assistant`` or ``reasoning``."""
        request = self._chat_request(message, agent_id, include_reasoning, conversation_id, context,
                                     context_files, max_iterations, image_path)
        if not streaming and on_chunk is None:
            res = await self._unary(self._chat.SendMessage, chat_pb2.SendMessageRequest(chat=request))
            if res.status in ("error", "cancelled"):
                raise FloeError(res.response or f"the run ended with status {res.status}", res.status.upper())
            return {
                "assistant_response": res.response,
                "reasoning": res.reasoning,
                "action_results": [_dict(a) for a in res.action_results],
                "conversation_id": res.conversation_id,
                "run_id": res.run_id,
                "status": res.status,
            }
        stream = RunStream(self, request)
        async for msg_type, chunk in stream.chunks():
            if on_chunk is not None:
                result = on_chunk(chunk, msg_type)
                if asyncio.iscoroutine(result):
                    await result
        return stream.result()

    async def stream_chat(self, message: str, agent_id: Optional[str] = None,
                          include_reasoning: bool = True, conversation_id: Optional[str] = None,
                          ) -> AsyncIterator[tuple[str, str]]:
        """Yields ``(msg_type, chunk)`` as the answer streams: ``assistant`` and ``reasoning``."""
        request = self._chat_request(message, agent_id, include_reasoning, conversation_id)
        async for item in RunStream(self, request).chunks():
            yield item

    async def create_conversation(self, name: Optional[str] = None) -> str:
        """Creates a conversation; returns its id."""
        req = conversation_pb2.CreateConversationRequest(name=name or "")
        res = await self._unary(self._conversations.CreateConversation, req)
        return res.conversation.id

    async def list_conversations(self) -> list[dict]:
        res = await self._unary(self._conversations.ListConversations, conversation_pb2.ListConversationsRequest())
        return [_dict(c) for c in res.conversations]

    async def get_conversation_history(self, conversation_id: str) -> list[dict]:
        req = conversation_pb2.GetConversationHistoryRequest(conversation_id=conversation_id)
        res = await self._unary(self._conversations.GetConversationHistory, req)
        return [_dict(m) for m in res.messages]

    async def run_task(self, task_description: str, max_iterations: Optional[int] = None,
                       project_id: Optional[str] = None, name: Optional[str] = None,
                       continuous: bool = False, time_limit: int = 0) -> dict:
        """Runs a task to its end; returns ``status``, ``response``, ``iterations``,
        ``execution_time``, ``action_results`` and ``task_metadata``."""
        spec = project_pb2.TaskSpec(name=name or task_description[:80], description=task_description,
                                    project_id=project_id or "", continuous=continuous, time_limit=time_limit)
        if max_iterations is not None:
            spec.max_iterations = max_iterations
        res = await self._unary(self._projects.ExecuteTaskSync, project_pb2.ExecuteTaskSyncRequest(task=spec))
        return _dict(res)

    async def health(self) -> dict:
        """The server's health: ``status`` and its components."""
        return _dict(await self._unary(self._health.GetHealth, health_pb2.GetHealthRequest()))

    @staticmethod
    def _chat_request(message, agent_id, include_reasoning, conversation_id, context=None,
                      context_files=None, max_iterations=None, image_path=None) -> chat_pb2.ChatRequest:
        request = chat_pb2.ChatRequest(
            text=message, agent_id=agent_id or "", include_reasoning=include_reasoning,
            conversation_id=conversation_id or "", context_files=context_files or [],
            image_path=image_path or "", request_id=f"py-{uuid.uuid4()}",
        )
        if context:
            request.context.update(context)
        if max_iterations is not None:
            request.max_iterations = max_iterations
        return request
