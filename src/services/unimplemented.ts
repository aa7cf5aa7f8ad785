import type { DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";

/**
 * Completes a service implementation: every RPC that `impl` leaves out answers
 * Unimplemented, naming the capability (a later issue) it belongs to, so that
 * callers can tell "planned" from "broken".
 */
export function withUnimplemented<S extends DescService>(
  service: S,
  capability: string,
  impl: Partial<ServiceImpl<S>>,
): ServiceImpl<S> {
  const full: Record<string, unknown> = { ...impl };
  for (const method of service.methods) {
    if (full[method.localName] !== undefined) continue;
    full[method.localName] = () => {
      throw new ConnectError(
        `${service.typeName}.${method.name} is part of the ${capability} capability, which this server does not provide yet`,
        Code.Unimplemented,
      );
    };
  }
  return full as ServiceImpl<S>;
}
