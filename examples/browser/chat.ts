// A browser snippet: a streamed chat with Floe from a page on another origin.
// Bundle it (`npx esbuild examples/browser/chat.ts --bundle --format=esm --outfile=examples/browser/chat.js`)
// and open index.html?server=http://127.0.0.1:8000 from a static server whose origin
// Floe allows (`FLOE_CORS_ORIGINS=http://127.0.0.1:5173`); Floe refuses pages from other sites.
//
// In an application, import from the package instead: `import { createFloeWebClient } from "floe/client/web";`
import { createFloeWebClient } from "../../clients/web.js";

// The server's URL may come in the query string; the API key never does (URLs end up in history and logs).
const server = new URLSearchParams(location.search).get("server") ?? "http://127.0.0.1:8000";

const form = document.querySelector("form")!;
const input = document.querySelector("textarea")!;
const key = document.querySelector<HTMLInputElement>("#key")!;
const answer = document.querySelector("output")!;
const status = document.querySelector("#status")!;

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  answer.textContent = "";
  status.textContent = "streaming";
  const floe = createFloeWebClient({ baseUrl: server, apiKey: key.value || undefined });
  try {
    const result = await floe.chat(input.value, {
      onChunk: (chunk, kind) => {
        if (kind === "assistant") answer.textContent += chunk;
      },
    });
    status.textContent = `done: ${result.status}`;
  } catch (e) {
    status.textContent = `failed: ${(e as Error).message}`;
  }
});
