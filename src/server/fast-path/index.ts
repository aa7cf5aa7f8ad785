/**
 * Floe's fast path for Connect and gRPC calls, and the pieces the other
 * surfaces share with it: the interceptor chains every method is called
 * through, and the map from fastify's request errors to Connect codes.
 */
export { CallContext, type ClientGone, LazyUnaryRequest, lazyStreamRequest } from "./call-context.js";
export { FastPathCounters } from "./counters.js";
export { envelope } from "./envelope.js";
export { sendConnectError, sendGrpcError } from "./error-responses.js";
export { type FastifyRequestError, fastifyErrorToConnect } from "./fastify-errors.js";
export { bindMethods, type MethodChains, methodKey, type StreamInvoke, type UnaryInvoke } from "./interceptor-chain.js";
export type { FastPathOptions } from "./options.js";
export { registerFastPath } from "./register-fast-path.js";
export { FAST_PATH_CONSTRAINT, type FastPathFormat, fastPathConstraint } from "./route-constraint.js";
