import type { Knex } from 'knex';

export interface WindowState {
  hits: number;
  /** When the window ends, ms since the epoch (the database's clock). */
  resetAt: number;
}

/** Counts one hit for the key in its current window (a new window when the last one ended). */
export async function hitWindow(knex: Knex, key: string, windowMs: number): Promise<WindowState> {
  const { rows } = await knex.raw<{ rows: { hits: number; reset_at: number }[] }>(
    `insert into rate_windows as w (key, hits, reset_at) values (?, 1, now() + ? * interval '1 millisecond')
     on conflict (key) do update set
       hits = case when w.reset_at <= now() then 1 else w.hits + 1 end,
       reset_at = case when w.reset_at <= now() then excluded.reset_at else w.reset_at end
     returning hits, (extract(epoch from reset_at) * 1000)::float8 as reset_at`,
    [key, windowMs],
  );
  const r = rows[0];
  return { hits: r?.hits ?? 1, resetAt: r?.reset_at ?? Date.now() + windowMs };
}

/** The key's current window, or null when it has none. */
export async function peekWindow(knex: Knex, key: string): Promise<WindowState | null> {
  const { rows } = await knex.raw<{ rows: { hits: number; reset_at: number }[] }>(
    `select hits, (extract(epoch from reset_at) * 1000)::float8 as reset_at from rate_windows where key = ? and reset_at > now()`,
    [key],
  );
  const r = rows[0];
  return r ? { hits: r.hits, resetAt: r.reset_at } : null;
}

/** Removes windows that have ended. */
export async function sweepWindows(knex: Knex): Promise<void> {
  await knex.raw('delete from rate_windows where reset_at <= now()');
}
