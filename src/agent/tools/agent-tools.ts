import { ToolError } from "./tool-error.js";
import { str, type Tool, type ToolContext } from "./tool.js";

const MESSAGE_TYPES = ["message", "action", "status"];

function opsOf(ctx: ToolContext) {
  if (!ctx.agents) throw new ToolError("multi-agent tools are not available on this server");
  return ctx.agents;
}

/** Hands a task to another agent: a run of that agent, which ends with this run if this one is cancelled. */
export const delegateTool: Tool = {
  name: "delegate",
  description:
    "Delegate a task to another agent by id. With wait=true (the default) the call returns the agent's answer; " +
    "with wait=false it returns once the agent has started. A remote A2A agent of the config is named a2a:<name> " +
    "(it always waits).",
  parameters: {
    type: "object",
    properties: {
      agent_id: { type: "string", description: "The agent that takes the task: a local id, or a2a:<name>" },
      content: { type: "string", description: "The task, self-contained" },
      wait: { type: "boolean", description: "Wait for the agent's answer (default true)" },
    },
    required: ["agent_id", "content"],
  },
  operation: "agent.delegate",
  // A remote agent is reached over the network: outside full mode it needs an approval or an allowing rule.
  operationOf: (args) => (String(args.agent_id ?? "").startsWith("a2a:") ? "network.a2a" : "agent.delegate"),
  resource: (args) => String(args.agent_id ?? ""),
  async run(args, ctx) {
    const wait = args.wait === undefined ? true : args.wait;
    if (typeof wait !== "boolean") throw new TypeError('argument "wait" must be a boolean');
    return opsOf(ctx).delegate(
      ctx.caller,
      { agentId: str(args, "agent_id"), content: str(args, "content"), wait },
      ctx.signal,
      ctx.progress,
    );
  },
};

/** Sends a message to another agent (which wakes it) or to the human. */
export const sendMessageTool: Tool = {
  name: "send_message",
  description: 'Send a message to another agent by id (it wakes and answers in its own conversation) or to "human".',
  parameters: {
    type: "object",
    properties: {
      recipient: { type: "string", description: 'An agent id, or "human"' },
      content: { type: "string" },
      message_type: { type: "string", enum: MESSAGE_TYPES, description: "Default message" },
      channel: { type: "string" },
    },
    required: ["recipient", "content"],
  },
  operation: "agent.message",
  resource: (args) => String(args.recipient ?? ""),
  async run(args, ctx) {
    const messageType = str(args, "message_type", false) || "message";
    if (!MESSAGE_TYPES.includes(messageType))
      throw new TypeError(`argument "message_type" must be one of ${MESSAGE_TYPES.join(", ")}`);
    const m = {
      recipient: str(args, "recipient"),
      content: str(args, "content"),
      messageType,
      channel: str(args, "channel", false),
    };
    return opsOf(ctx).sendMessage(ctx.caller, m);
  },
};
