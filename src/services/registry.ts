import type { DescService } from "@bufbuild/protobuf";
import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";
import { AgentService } from "../../gen/floe/v1/agent_pb.js";
import { ChatService } from "../../gen/floe/v1/chat_pb.js";
import { CheckpointService } from "../../gen/floe/v1/checkpoint_pb.js";
import { ConversationService } from "../../gen/floe/v1/conversation_pb.js";
import { CoordinatorService } from "../../gen/floe/v1/coordinator_pb.js";
import { GitHubService } from "../../gen/floe/v1/github_pb.js";
import { HealthService } from "../../gen/floe/v1/health_pb.js";
import { MessageService } from "../../gen/floe/v1/message_pb.js";
import { ModelService } from "../../gen/floe/v1/model_pb.js";
import { PeerService } from "../../gen/floe/v1/peer_pb.js";
import { ProjectService } from "../../gen/floe/v1/project_pb.js";
import { SecurityService } from "../../gen/floe/v1/security_pb.js";
import { SystemService } from "../../gen/floe/v1/system_pb.js";
import { TelemetryService } from "../../gen/floe/v1/telemetry_pb.js";
import { UploadService } from "../../gen/floe/v1/upload_pb.js";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { ServerReflection as ReflectionV1 } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ReflectionV1alpha } from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { GitHubDeliveryRepository } from "../store/github-delivery-repository.js";
import type { AppContext } from "./app-context.js";
import { agentService } from "./agent-service.js";
import { chatService } from "./chat-service.js";
import { checkpointService } from "./checkpoint-service.js";
import { coordinatorService } from "./coordinator-service.js";
import { messageService } from "./message-service.js";
import { gitHubService } from "./github-service.js";
import { securityService } from "./security-service.js";
import { telemetryService } from "./telemetry-service.js";
import { uploadService } from "./upload-service.js";
import { conversationService } from "./conversation-service.js";
import { grpcHealthService, HealthStatus } from "./grpc-health-service.js";
import { healthService } from "./health-service.js";
import { modelService } from "./model-service.js";
import { peerService } from "./peer-service.js";
import { projectService } from "./project-service.js";
import { ReflectionIndex, reflectionServiceV1, reflectionServiceV1alpha } from "./reflection-service.js";
import { systemService } from "./system-service.js";

/** One service and its implementation, ready for any surface. */
export interface ServiceBinding {
  service: DescService;
  impl: ServiceImpl<DescService>;
}

/** Every floe.v1 service: the API. */
export const FLOE_SERVICES: readonly DescService[] = [
  ChatService,
  ConversationService,
  AgentService,
  MessageService,
  TelemetryService,
  CoordinatorService,
  ProjectService,
  CheckpointService,
  ModelService,
  SystemService,
  SecurityService,
  UploadService,
  HealthService,
  PeerService,
  GitHubService,
];

function bind<S extends DescService>(service: S, impl: ServiceImpl<S>): ServiceBinding {
  return { service, impl: impl as unknown as ServiceImpl<DescService> };
}

/** Builds every service implementation over the shared context. */
export function createServiceBindings(app: AppContext): { bindings: ServiceBinding[]; health: HealthStatus } {
  const health = new HealthStatus(new Set([...FLOE_SERVICES.map((s) => s.typeName), Health.typeName]));
  const floe: ServiceBinding[] = [
    bind(ChatService, chatService(app)),
    bind(ConversationService, conversationService(app)),
    bind(AgentService, agentService(app)),
    bind(MessageService, messageService(app)),
    bind(TelemetryService, telemetryService(app)),
    bind(CoordinatorService, coordinatorService(app)),
    bind(ProjectService, projectService(app)),
    bind(CheckpointService, checkpointService(app)),
    bind(ModelService, modelService(app)),
    bind(SystemService, systemService(app)),
    bind(SecurityService, securityService(app)),
    bind(UploadService, uploadService(app)),
    bind(HealthService, healthService(app)),
    bind(PeerService, peerService(app)),
    bind(GitHubService, gitHubService(app, new GitHubDeliveryRepository(app.database.db))),
  ];
  const index = new ReflectionIndex([...FLOE_SERVICES, Health, ReflectionV1, ReflectionV1alpha]);
  return {
    health,
    bindings: [
      ...floe,
      bind(Health, grpcHealthService(health)),
      bind(ReflectionV1, reflectionServiceV1(index)),
      bind(ReflectionV1alpha, reflectionServiceV1alpha(index)),
    ],
  };
}

export function registerRoutes(router: ConnectRouter, bindings: readonly ServiceBinding[]): void {
  for (const b of bindings) router.service(b.service, b.impl);
}
