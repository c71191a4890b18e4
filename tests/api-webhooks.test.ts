import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import type { Role } from '../server/auth/access.js';
import { verify } from '../server/notify/signature.js';
import { loadAgencies } from '../fixtures/catalog/reference.js';
import { completeMetadata, fc, feature, point, pointLayerBody } from './support/upload-corpus.js';
import { useTestServer } from './support/use-test-server.js';
import { tokenCalls } from './support/token-calls.js';

// Issue 15: walidata's review steps reach the agencies' own systems as signed webhook POSTs, sent
// from an outbox written in the step's transaction, retried with backoff, received here by a
// real HTTP server on loopback.
const s = useTestServer({
  writable: true,
  env: {
    REVIEW_REQUIRED: 'on',
    WRITE_RATE_LIMIT: '100000',
    WEBHOOK_RETRY_BASE_MS: '200',
    WEBHOOK_MAX_ATTEMPTS: '3',
    WEBHOOK_TIMEOUT_MS: '5000',
  },
});

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown> & {
    event: string;
    layer?: { id: string };
    version?: { number: number; state: string };
  };
}
const received: Received[] = [];
/** Per receiver path: how many more POSTs answer 500 before it accepts (Infinity: never). */
const failures = new Map<string, number>();
let receiver: Server;
let hookBase = '';

const tokens = { admin: '', editor: '', walidata: '' };
type Who = keyof typeof tokens;
const [AGENCY = '', OTHER = ''] = loadAgencies()
  .map((a) => a.code)
  .sort();
const LAYER = `${AGENCY}-uji-webhook`;
const secrets = new Map<string, string>();
const hookIds = new Map<string, number>();

interface Answer extends Record<string, unknown> {
  error?: { code: string; message: string };
  items?: Record<string, unknown>[];
}
const { call, send: post } = tokenCalls<Who, Answer>(s, tokens);
const send = (method: string, path: string, who: Who | undefined, body?: unknown) => post(path, who, body, method);

/** Waits (generously: a busy machine) until `done` finds what it looks for; `look` refreshes first. */
async function until<T>(what: string, done: () => T | undefined | false, look?: () => Promise<void>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    await look?.();
    const got = done();
    if (got) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out waiting for ${what}; received: ${JSON.stringify(received.map((r) => [r.path, r.json.event]))}`,
  );
}
const at = (path: string, event: string) => received.filter((r) => r.path === path && r.json.event === event);
const arrival = (path: string, event: string) => until(`${event} at ${path}`, () => at(path, event)[0]);

async function upload(body: string) {
  const r = await call(`/api/layers/${LAYER}/features?mode=replace`, 'editor', {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/geo+json' },
  });
  expect(r.status, r.text).toBe(200);
  return r.body as { version: number; state: string };
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const left = failures.get(path) ?? 0;
      if (left > 0) {
        failures.set(path, left - 1);
        res.writeHead(500).end('not now');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path, headers: req.headers, body, json: JSON.parse(body) as Received['json'] });
      res.writeHead(204).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => receiver.once('listening', resolve));
  hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const store = new TokenStore(s.db.knex);
  const make = async (who: Who, role: Role, agencies: string[]) =>
    (tokens[who] = (await store.create({ name: `kait ${who}`, role, agencies, createdBy: 'test' })).token);
  await make('admin', 'admin', []);
  await make('editor', 'editor', [AGENCY]);
  await make('walidata', 'walidata', []);
  const created = await call('/api/layers', 'editor', {
    method: 'POST',
    body: pointLayerBody(LAYER, 'Uji pemberitahuan webhook', AGENCY),
    headers: { 'Content-Type': 'application/json' },
  });
  expect(created.status, created.text).toBe(201);
});

afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

describe('webhooks: administration and bad requests', () => {
  it('creates webhooks for one agency or all of them and shows the secret only once', async () => {
    for (const [name, agency] of [
      ['agency', AGENCY],
      ['all', null],
      ['other', OTHER],
    ] as const) {
      const r = await send('POST', '/api/webhooks', 'admin', { url: `${hookBase}/${name}`, agency });
      expect(r.status, r.text).toBe(201);
      expect(r.body).toMatchObject({
        agency,
        url: `${hookBase}/${name}`,
        events: ['version.submitted', 'version.approved', 'version.rejected'],
      });
      expect(r.body.secret).toMatch(/^[0-9a-f]{64}$/);
      secrets.set(`/${name}`, String(r.body.secret));
      hookIds.set(`/${name}`, Number(r.body.id));
    }
    const list = await call('/api/webhooks', 'admin');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(3);
    expect(list.text).not.toContain(secrets.get('/all'));
    expect(list.body.items?.[0]).not.toHaveProperty('secret');
  });

  it.each([
    ['no token', undefined, { url: 'http://x.test/' }, 401, 'authentication_required'],
    ['no token, whatever the body', undefined, { url: 'ftp://x.test/' }, 401, 'authentication_required'],
    ['a walidata token', 'walidata', { url: 'http://x.test/' }, 403, 'forbidden'],
    ['an editor token', 'editor', { url: 'http://x.test/' }, 403, 'forbidden'],
    ['an ftp URL', 'admin', { url: 'ftp://x.test/' }, 400, 'invalid_webhook'],
    ['no URL', 'admin', { agency: null }, 400, 'invalid_webhook'],
    ['a URL that is not one', 'admin', { url: 'kirim ke dinas' }, 400, 'invalid_webhook'],
    ['an unknown event', 'admin', { url: 'http://x.test/', events: ['layer.deleted'] }, 400, 'invalid_webhook'],
    ['no events', 'admin', { url: 'http://x.test/', events: [] }, 400, 'invalid_webhook'],
    ['an unknown field', 'admin', { url: 'http://x.test/', secret: 'mine' }, 400, 'invalid_webhook'],
    ['an unknown agency', 'admin', { url: 'http://x.test/', agency: 'dinas-tidak-ada' }, 400, 'unknown_agency'],
    ['a body that is not an object', 'admin', ['http://x.test/'], 400, 'invalid_body'],
  ] as const)('refuses %s with a clear error and creates nothing', async (_, who, body, status, code) => {
    const r = await send('POST', '/api/webhooks', who, body);
    expect([r.status, r.body.error?.code], r.text).toEqual([status, code]);
    expect(r.body.error?.message.length).toBeGreaterThan(10);
    expect((await call('/api/webhooks', 'admin')).body.items).toHaveLength(3);
  });

  it('answers 404 for a webhook that does not exist and 400 for an id that is not a number', async () => {
    for (const [method, path] of [
      ['DELETE', '/api/webhooks/999999'],
      ['GET', '/api/webhooks/999999/deliveries'],
      ['POST', '/api/webhooks/999999/ping'],
    ] as const) {
      const r = await send(method, path, 'admin');
      expect([path, r.status, r.body.error?.code]).toEqual([path, 404, 'webhook_not_found']);
    }
    const bad = await send('DELETE', '/api/webhooks/satu', 'admin');
    expect([bad.status, bad.body.error?.code]).toEqual([400, 'invalid_parameter']);
  });
});

// Deliveries arrive on their own schedule: generous bounds, a busy machine may be slow.
describe('webhooks: review notices', { timeout: 90_000 }, () => {
  const DRAFT = fc(feature(point(106.64, -6.18), { nama: 'W1', nilai: 1 }));

  it('sends a signed version.submitted to the agency and to the all-agency webhook, not to another agency', async () => {
    const draft = await upload(DRAFT);
    expect(draft.state).toBe('draft');
    const r = await send('POST', `/api/layers/${LAYER}/versions/${draft.version}/submit`, 'editor');
    expect(r.status, r.text).toBe(200);
    for (const path of ['/agency', '/all']) {
      const got = await arrival(path, 'version.submitted');
      expect(got.json).toMatchObject({
        event: 'version.submitted',
        layer: { id: LAYER, agency: AGENCY, title: 'Uji pemberitahuan webhook' },
        version: { number: draft.version, state: 'submitted', featureCount: 1 },
        actor: expect.stringContaining('kait editor') as unknown,
      });
      expect(got.headers['x-satupeta-event']).toBe('version.submitted');
      const signature = String(got.headers['x-satupeta-signature']);
      const now = Math.floor(Date.now() / 1000);
      expect(verify(secrets.get(path) ?? '', signature, got.body, now)).toBe(true);
      // The signature covers the body and the secret: a changed body or another secret fails.
      expect(verify(secrets.get(path) ?? '', signature, got.body.replace('submitted', 'approved'), now)).toBe(false);
      expect(verify(secrets.get('/other') ?? '', signature, got.body, now)).toBe(false);
      // And the time: a delivery replayed an hour later is refused.
      expect(verify(secrets.get(path) ?? '', signature, got.body, now + 3600)).toBe(false);
    }
    expect(received.filter((x) => x.path === '/other')).toEqual([]);
  });

  it('queues nothing for a step that fails', async () => {
    const before = await s.db.knex('webhook_deliveries').count<{ n: string }[]>({ n: '*' });
    const twice = await send('POST', `/api/layers/${LAYER}/versions/draft/submit`, 'editor');
    expect([twice.status, twice.body.error?.code]).toEqual([409, 'version_not_submitted']);
    // Thin metadata: approval is refused with 422, so no version.approved goes out.
    const refused = await send('POST', `/api/layers/${LAYER}/versions/draft/approve`, 'walidata');
    expect([refused.status, refused.body.error?.code]).toEqual([422, 'approval_refused']);
    expect(await s.db.knex('webhook_deliveries').count<{ n: string }[]>({ n: '*' })).toEqual(before);
  });

  it('sends the rejection with its note', async () => {
    const note = 'Titik W1 di luar persil; periksa koordinat.';
    const r = await send('POST', `/api/layers/${LAYER}/versions/draft/reject`, 'walidata', { note });
    expect(r.status, r.text).toBe(200);
    const got = await arrival('/agency', 'version.rejected');
    expect(got.json).toMatchObject({ event: 'version.rejected', note, version: { state: 'rejected' } });
  });

  it('retries a receiver that answers 500 until it accepts, and records the attempts', async () => {
    await upload(fc(feature(point(106.641, -6.181), { nama: 'W2', nilai: 2 })));
    expect((await send('POST', `/api/layers/${LAYER}/versions/draft/submit`, 'editor')).status).toBe(200);
    const patched = await send(
      'PATCH',
      `/api/layers/${LAYER}`,
      'editor',
      completeMetadata('Titik uji untuk pemberitahuan webhook walidata.'),
    );
    expect(patched.status, patched.text).toBe(200);
    failures.set('/agency', 1);
    failures.set('/all', Infinity);
    const approved = await send('POST', `/api/layers/${LAYER}/versions/draft/approve`, 'walidata');
    expect(approved.status, approved.text).toBe(200);
    const got = await arrival('/agency', 'version.approved');
    expect(got.json).toMatchObject({ version: { state: 'published' } });
    const agencyLog = await call(`/api/webhooks/${hookIds.get('/agency')}/deliveries`, 'admin');
    expect(agencyLog.body.items?.[0]).toMatchObject({
      event: 'version.approved',
      state: 'delivered',
      attempts: 2,
      lastStatus: 204,
    });
    // The all-agency receiver never accepts: after WEBHOOK_MAX_ATTEMPTS (3) the delivery is given up, with why.
    let allLog: Record<string, unknown>[] = [];
    await until(
      'the all-agency delivery given up',
      () => allLog[0]?.state === 'failed',
      async () => {
        allLog = (await call(`/api/webhooks/${hookIds.get('/all')}/deliveries`, 'admin')).body.items ?? [];
      },
    );
    expect(allLog[0]).toMatchObject({
      event: 'version.approved',
      attempts: 3,
      lastStatus: 500,
      lastError: 'HTTP 500',
      nextAttemptAt: null,
    });
    const hooks = (await call('/api/webhooks', 'admin')).body.items ?? [];
    expect(hooks.find((h) => h.id === hookIds.get('/all'))).toMatchObject({ deliveries: { failed: 1, pending: 0 } });
  });

  it("sends an administrator's ping to one webhook", async () => {
    failures.set('/other', 0);
    const r = await send('POST', `/api/webhooks/${hookIds.get('/other')}/ping`, 'admin');
    expect(r.status, r.text).toBe(202);
    const got = await arrival('/other', 'ping');
    expect(
      verify(
        secrets.get('/other') ?? '',
        String(got.headers['x-satupeta-signature']),
        got.body ?? '',
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(true);
    expect(at('/agency', 'ping')).toEqual([]);
  });

  it('stops sending to a webhook once it is removed', async () => {
    const r = await send('DELETE', `/api/webhooks/${hookIds.get('/agency')}`, 'admin');
    expect(r.status).toBe(204);
    expect((await call('/api/webhooks', 'admin')).body.items).toHaveLength(2);
    const again = await send('DELETE', `/api/webhooks/${hookIds.get('/agency')}`, 'admin');
    expect(again.status).toBe(404);
  });
});
