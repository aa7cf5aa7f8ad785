"""One streamed run that survives dropped connections.

The run starts with ``ChatService.StreamMessage``. When the connection drops,
the stream goes on with ``ChatService.Subscribe`` from the last ``seq`` seen
(or, when no event arrived yet, repeats ``StreamMessage`` with the same
``request_id``, which the server answers with the same run). Events at or
below the last seen ``seq`` are skipped, so no token is lost or repeated.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, AsyncIterator, Optional

import grpc
from google.protobuf.json_format import MessageToDict

from ._stubs import chat_pb2, events_pb2
from .errors import FloeError

if TYPE_CHECKING:
    from .penguin_api import PenguinAPI

# What a dropped connection or a restarting server looks like to a call.
_RESUMABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN,
              grpc.StatusCode.CANCELLED}
_TERMINAL = {"complete", "error", "cancelled"}


class RunStream:
    def __init__(self, api: "PenguinAPI", request: chat_pb2.ChatRequest):
        self._api = api
        self._request = request
        self.conversation_id = ""
        self.run_id = ""
        self.last_seq = 0
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._terminal: Optional[Any] = None  # the run's complete, error or cancelled event

    async def chunks(self) -> AsyncIterator[tuple[str, str]]:
        """Yields ``(msg_type, chunk)`` until the run ends; raises FloeError when it fails."""
        call = self._open()
        resumes = 0
        while True:
            try:
                async for res in call:
                    for item in self._take(res.event):
                        yield item
                    if self._terminal is not None:
                        break
                if self._terminal is not None:
                    break
                error: Exception = ConnectionResetError("the stream ended before the run did")
            except grpc.aio.AioRpcError as e:
                if e.code() not in _RESUMABLE:
                    raise FloeError(e.details() or e.code().name, e.code().name) from e
                error = e
            finally:
                call.cancel()
            if resumes >= self._api.max_resumes:
                raise FloeError(f"the stream dropped {resumes + 1} times: {error}", "UNAVAILABLE") from error
            resumes += 1
            self._api.resumes += 1
            await asyncio.sleep(min(0.05 * 2**resumes, 2.0))
            call = self._open()
        self._raise_on_failure()

    def result(self) -> dict:
        complete = self._terminal.complete if self._terminal is not None else events_pb2.CompleteEvent()
        # The complete event's text is whole even if a gap skipped some tokens.
        return {
            "assistant_response": complete.response or "".join(self._text),
            "reasoning": complete.reasoning or "".join(self._reasoning),
            "action_results": [MessageToDict(a, preserving_proto_field_name=True) for a in complete.action_results],
            "conversation_id": self.conversation_id,
            "run_id": self.run_id,
            "status": complete.status,
        }

    def _open(self):
        api = self._api
        if not self.conversation_id:
            req = chat_pb2.StreamMessageRequest(chat=self._request)
            return api._chat.StreamMessage(req, metadata=api._metadata)
        req = chat_pb2.SubscribeRequest(conversation_id=self.conversation_id, after_seq=self.last_seq,
                                        include_reasoning=self._request.include_reasoning,
                                        end_after_live_runs=True)
        return api._chat.Subscribe(req, metadata=api._metadata)

    def _take(self, event) -> list[tuple[str, str]]:
        kind = event.WhichOneof("kind")
        if kind in ("snapshot", "heartbeat", None) or (event.seq and event.seq <= self.last_seq):
            return []
        if event.seq:
            self.last_seq = event.seq
        if not self.conversation_id:
            self.conversation_id = event.conversation_id
        if kind == "start" and not self.run_id:
            self.run_id = event.run_id
        if self.run_id and event.run_id and event.run_id != self.run_id:
            return []  # another run of the same conversation
        if kind == "token":
            self._text.append(event.token.token)
            return [("assistant", event.token.token)]
        if kind == "reasoning":
            self._reasoning.append(event.reasoning.token)
            return [("reasoning", event.reasoning.token)]
        if kind in _TERMINAL:
            self._terminal = event
        return []

    def _raise_on_failure(self) -> None:
        kind = self._terminal.WhichOneof("kind")
        if kind == "error":
            raise FloeError(self._terminal.error.message, self._terminal.error.code or "ERROR")
        if kind == "cancelled":
            raise FloeError(f"the run was cancelled: {self._terminal.cancelled.reason}", "CANCELLED")
