import { type Client, createClient, type Transport } from "@connectrpc/connect";
import { AgentService } from "../gen/floe/v1/agent_pb.js";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { CheckpointService } from "../gen/floe/v1/checkpoint_pb.js";
import { ConversationService } from "../gen/floe/v1/conversation_pb.js";
import { CoordinatorService } from "../gen/floe/v1/coordinator_pb.js";
import { GitHubService } from "../gen/floe/v1/github_pb.js";
import { HealthService } from "../gen/floe/v1/health_pb.js";
import { MessageService } from "../gen/floe/v1/message_pb.js";
import { ModelService } from "../gen/floe/v1/model_pb.js";
import { PeerService } from "../gen/floe/v1/peer_pb.js";
import { ProjectService } from "../gen/floe/v1/project_pb.js";
import { SecurityService } from "../gen/floe/v1/security_pb.js";
import { SystemService } from "../gen/floe/v1/system_pb.js";
import { TelemetryService } from "../gen/floe/v1/telemetry_pb.js";
import { UploadService } from "../gen/floe/v1/upload_pb.js";

/** A typed client for every service of the floe.v1 contract, over one transport. */
export interface FloeServices {
  chat: Client<typeof ChatService>;
  conversations: Client<typeof ConversationService>;
  agents: Client<typeof AgentService>;
  messages: Client<typeof MessageService>;
  telemetry: Client<typeof TelemetryService>;
  coordinator: Client<typeof CoordinatorService>;
  projects: Client<typeof ProjectService>;
  checkpoints: Client<typeof CheckpointService>;
  models: Client<typeof ModelService>;
  system: Client<typeof SystemService>;
  security: Client<typeof SecurityService>;
  uploads: Client<typeof UploadService>;
  health: Client<typeof HealthService>;
  peers: Client<typeof PeerService>;
  github: Client<typeof GitHubService>;
}

export function createFloeServices(transport: Transport): FloeServices {
  return {
    chat: createClient(ChatService, transport),
    conversations: createClient(ConversationService, transport),
    agents: createClient(AgentService, transport),
    messages: createClient(MessageService, transport),
    telemetry: createClient(TelemetryService, transport),
    coordinator: createClient(CoordinatorService, transport),
    projects: createClient(ProjectService, transport),
    checkpoints: createClient(CheckpointService, transport),
    models: createClient(ModelService, transport),
    system: createClient(SystemService, transport),
    security: createClient(SecurityService, transport),
    uploads: createClient(UploadService, transport),
    health: createClient(HealthService, transport),
    peers: createClient(PeerService, transport),
    github: createClient(GitHubService, transport),
  };
}
