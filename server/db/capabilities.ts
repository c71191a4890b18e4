import type { Knex } from 'knex';

export interface Capabilities {
  postgresVersion: string;
  postgisVersion: string;
  /** ST_AsMVT works (the embedded PostGIS is built without protobuf, so it does not there). */
  mvt: boolean;
}

/** Asked once at start; the answer is handed to whoever needs it. */
export async function detectCapabilities(knex: Knex): Promise<Capabilities> {
  const { rows } = await knex.raw<{ rows: { pg: string; postgis: string | null }[] }>(
    `select current_setting('server_version') as pg,
            (select extversion from pg_extension where extname = 'postgis') as postgis`,
  );
  const row = rows[0];
  return {
    postgresVersion: row?.pg ?? 'unknown',
    postgisVersion: row?.postgis ?? 'not installed',
    mvt: row?.postgis ? await mvtWorks(knex) : false,
  };
}

async function mvtWorks(knex: Knex): Promise<boolean> {
  try {
    await knex.raw(
      `select ST_AsMVT(t) from (select ST_AsMVTGeom(ST_Point(1, 1, 3857), ST_TileEnvelope(0, 0, 0)) as geom) t`,
    );
    return true;
  } catch {
    return false;
  }
}
