"""PenguinAPI against a live Floe server.

test/python-client.test.ts starts the server (with an API key), a fake model
whose answer to a prompt P is "Answer to P." (with reasoning "Thinking about
P." when P mentions reasoning), and a proxy that can cut connections; it runs
these tests with FLOE_URL (through the proxy), FLOE_API_KEY and FLOE_CUT_URL.
"""

import asyncio
import json
import os
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from floe_client import FloeError, PenguinAPI  # noqa: E402

URL = os.environ["FLOE_URL"]
KEY = os.environ["FLOE_API_KEY"]
CUT_URL = os.environ["FLOE_CUT_URL"]


def answer(prompt: str) -> str:
    return f"Answer to {prompt}."


def cut_connections() -> int:
    with urllib.request.urlopen(urllib.request.Request(CUT_URL, method="POST"), timeout=5) as res:
        return json.load(res)["cut"]


class PenguinAPITest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.api = PenguinAPI(URL, api_key=KEY)

    async def asyncTearDown(self):
        await self.api.close()

    async def test_unary_calls(self):
        health = await self.api.health()
        self.assertEqual(health["status"], "ok")
        conversation_id = await self.api.create_conversation(name="Debug Session")
        listed = await self.api.list_conversations()
        self.assertIn(conversation_id, [c["id"] for c in listed])
        res = await self.api.chat(message="say hello", conversation_id=conversation_id)
        self.assertEqual(res["assistant_response"], answer("say hello"))
        self.assertEqual(res["conversation_id"], conversation_id)
        history = await self.api.get_conversation_history(conversation_id)
        self.assertEqual([m["content"] for m in history if m["role"] != "system"],
                         ["say hello", answer("say hello")])

    async def test_streamed_chat_calls_on_chunk_with_both_kinds(self):
        chunks = []
        prompt = "explain with reasoning"
        res = await self.api.chat(message=prompt, streaming=True, include_reasoning=True,
                                  on_chunk=lambda chunk, msg_type: chunks.append((msg_type, chunk)))
        self.assertEqual(res["assistant_response"], answer(prompt))
        self.assertEqual(res["reasoning"], f"Thinking about {prompt}.")
        self.assertEqual("".join(c for t, c in chunks if t == "assistant"), answer(prompt))
        self.assertEqual("".join(c for t, c in chunks if t == "reasoning"), f"Thinking about {prompt}.")
        self.assertGreater(len([t for t, _ in chunks if t == "assistant"]), 1)

    async def test_stream_resumes_after_a_cut_connection_without_loss_or_repeat(self):
        prompt = "tell a slow story"
        received = []
        cut = 0
        async for msg_type, chunk in self.api.stream_chat(message=prompt):
            self.assertEqual(msg_type, "assistant")
            received.append(chunk)
            if len(received) == 3:
                cut = await asyncio.to_thread(cut_connections)
        self.assertGreaterEqual(cut, 1)
        self.assertEqual(self.api.resumes, 1)
        self.assertEqual("".join(received), answer(prompt))

    async def test_run_task(self):
        res = await self.api.run_task(task_description="summarize the project", max_iterations=3)
        self.assertEqual(res["status"], "completed")
        self.assertEqual(res["response"], answer("summarize the project"))
        self.assertGreaterEqual(res["iterations"], 1)
        self.assertIn("task_metadata", res)

    async def test_penguin_import_path_and_environment_defaults(self):
        from penguin.web import PenguinAPI as FromPenguin

        os.environ["FLOE_URL"], os.environ["FLOE_API_KEY"] = URL, KEY
        try:
            async with FromPenguin() as api:
                conversation_id = await api.create_conversation(name="from penguin.web")
                self.assertIn(conversation_id, [c["id"] for c in await api.list_conversations()])
        finally:
            del os.environ["FLOE_URL"], os.environ["FLOE_API_KEY"]

    async def test_a_missing_key_is_refused(self):
        async with PenguinAPI(URL, api_key="") as anonymous:
            with self.assertRaises(FloeError) as raised:
                await anonymous.list_conversations()
        self.assertEqual(raised.exception.code, "UNAUTHENTICATED")


if __name__ == "__main__":
    unittest.main()
