/** A tool failure the model should read and can act on; it never ends the run. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}
