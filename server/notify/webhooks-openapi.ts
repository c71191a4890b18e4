import { z } from 'zod';
import { webhookBody } from './routes.js';

/** Webhooks in the OpenAPI document (/api/openapi.json): an administrator's registrations and their deliveries. */
const ID = { name: 'id', in: 'path', required: true, description: 'Webhook id', schema: { type: 'integer' } };
const answers = (status: number, description: string) => ({
  [status]: { description, content: status === 204 ? undefined : { 'application/json': {} } },
  '4XX': { $ref: '#/components/responses/Error' },
});
const security = [{ bearer: [] }];
const tags = ['webhooks'];

export function webhooksOpenApiPaths(): Record<string, unknown> {
  return {
    '/api/webhooks': {
      get: {
        summary: 'Registered webhooks with their delivery counts (admin)',
        tags,
        security,
        responses: answers(200, '{ total, items: [{ id, agency, url, events, deliveries }] }'),
      },
      post: {
        summary: 'Register a webhook for one agency (or null: every agency); answers its signing secret once (admin)',
        tags,
        security,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: z.toJSONSchema(webhookBody, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }),
            },
          },
        },
        responses: answers(201, '{ id, agency, url, events, secret, … }'),
      },
    },
    '/api/webhooks/{id}': {
      get: { summary: 'One webhook (admin)', tags, security, parameters: [ID], responses: answers(200, 'Webhook') },
      delete: {
        summary: 'Remove a webhook and its delivery log (admin)',
        tags,
        security,
        parameters: [ID],
        responses: answers(204, 'Removed'),
      },
    },
    '/api/webhooks/{id}/deliveries': {
      get: {
        summary: "A webhook's deliveries, newest first: state, attempts, last status and error (admin)",
        tags,
        security,
        parameters: [ID, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } }],
        responses: answers(200, '{ items }'),
      },
    },
    '/api/webhooks/{id}/ping': {
      post: {
        summary: 'Send a test delivery (event "ping") to one webhook (admin)',
        tags,
        security,
        parameters: [ID],
        responses: answers(202, '{ queued, see }'),
      },
    },
  };
}
