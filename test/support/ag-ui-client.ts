import { HttpAgent, type HttpAgentConfig, type RunAgentParameters } from "@ag-ui/client";
import type { BaseEvent, RunAgentInput } from "@ag-ui/core";
import { AGUI_MEDIA_TYPE } from "@ag-ui/encoder";

/** What one `runAgent` of @ag-ui/client's HttpAgent saw: every event, and how the call ended. */
export interface AgUiRun {
  events: BaseEvent[];
  types: string[];
  error?: Error & { status?: number };
  of(type: string): any[];
  /** The deltas of TEXT_MESSAGE_CONTENT (or another delta event type), joined. */
  text(type?: string): string;
}

/** Runs the official client once, collecting what its subscriber is told. */
export async function runOnce(
  agent: HttpAgent,
  params: RunAgentParameters = {},
  onEvent?: (e: BaseEvent) => void,
): Promise<AgUiRun> {
  const events: BaseEvent[] = [];
  let error: AgUiRun["error"];
  await agent
    .runAgent(params, {
      onEvent: ({ event }) => {
        events.push(event);
        onEvent?.(event);
      },
    })
    .catch((e: unknown) => {
      error = e as AgUiRun["error"];
    });
  const of = (type: string) => events.filter((e) => e.type === type);
  return {
    events,
    types: events.map((e) => e.type),
    error,
    of,
    text: (type = "TEXT_MESSAGE_CONTENT") =>
      of(type)
        .map((e: any) => e.delta as string)
        .join(""),
  };
}

/** An HttpAgent with one user message. */
export function agentWith(config: HttpAgentConfig, text: string): HttpAgent {
  const agent = new HttpAgent(config);
  agent.addMessage({ id: `u-${Math.random().toString(36).slice(2)}`, role: "user", content: text });
  return agent;
}

/**
 * An HttpAgent that sends a body of the test's choosing. `requestInit` is the
 * client's documented way to customize the request; everything else (the
 * response parsing and event checks) is the SDK's own.
 */
export class RawBodyAgent extends HttpAgent {
  constructor(
    config: HttpAgentConfig,
    private readonly rawBody: (input: RunAgentInput) => string,
  ) {
    super(config);
  }

  protected override requestInit(input: RunAgentInput): RequestInit {
    return { ...super.requestInit(input), body: this.rawBody(input) };
  }
}

/** An HttpAgent that sends its own Accept header: AG-UI's protobuf type unless told otherwise. */
export class AcceptAgent extends HttpAgent {
  constructor(
    config: HttpAgentConfig,
    private readonly accept = AGUI_MEDIA_TYPE,
  ) {
    super(config);
  }

  protected override requestInit(input: RunAgentInput): RequestInit {
    const init = super.requestInit(input);
    return { ...init, headers: { ...(init.headers as Record<string, string>), Accept: this.accept } };
  }
}
