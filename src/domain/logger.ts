/**
 * The logger domain code writes to: pino's call shape (an object of fields,
 * then a message). Fastify's logger satisfies it; domain code never imports
 * fastify for its types.
 */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}
