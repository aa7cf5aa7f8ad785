import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/config-error.js";
import { loadConfig } from "../src/config/load-config.js";

describe("the checkpoints config key", () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), "floe-ckpt-config-"));
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));
  const yaml = (text: string) => writeFileSync(join(ws, "floe.yaml"), text);

  it("defaults to enabled, every message, 24 hours and 30 days; the file and then the environment override it", () => {
    expect(loadConfig({ workspace: ws }, {}).checkpoints).toEqual({
      enabled: true,
      frequency: 1,
      retentionHours: 24,
      maxAgeDays: 30,
    });
    yaml("checkpoints:\n  enabled: false\n  frequency: 5\n  retention_hours: 2\n  max_age_days: 7\n");
    expect(loadConfig({ workspace: ws }, {}).checkpoints).toEqual({
      enabled: false,
      frequency: 5,
      retentionHours: 2,
      maxAgeDays: 7,
    });
    const env = { FLOE_CHECKPOINTS_ENABLED: "true", FLOE_CHECKPOINT_MAX_AGE_DAYS: "9" };
    expect(loadConfig({ workspace: ws }, env).checkpoints).toMatchObject({
      enabled: true,
      frequency: 5,
      maxAgeDays: 9,
    });
  });

  it("names the key at fault", () => {
    yaml("checkpoints:\n  frequency: 0\n");
    expect(() => loadConfig({ workspace: ws }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ workspace: ws }, {})).toThrow(/checkpoints\.frequency/);
    yaml("checkpoints:\n  every: 3\n");
    expect(() => loadConfig({ workspace: ws }, {})).toThrow(/checkpoints\.every.*unknown key/);
    yaml("checkpoints: yes\n");
    expect(() => loadConfig({ workspace: ws }, {})).toThrow(/checkpoints.*must be a mapping/);
    yaml("checkpoints: {}\n");
    expect(() => loadConfig({ workspace: ws }, { FLOE_CHECKPOINT_RETENTION_HOURS: "-1" })).toThrow(
      /FLOE_CHECKPOINT_RETENTION_HOURS/,
    );
  });
});
