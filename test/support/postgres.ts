import { randomBytes } from "node:crypto";
import pg from "pg";

/** Admin connection used to create throwaway databases; .ci/run starts the server. */
export const PG_ADMIN_URL = process.env.FLOE_TEST_PG_URL ?? "postgres://root@127.0.0.1:5432/postgres";

export interface ThrowawayDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database for one test, so tests never share state. */
export async function createThrowawayDatabase(): Promise<ThrowawayDatabase> {
  const name = `floe_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
