import { z } from 'zod';
import { retentionBody } from './retention-routes.js';

/**
 * Layer versions in the OpenAPI document (/api/openapi.json): list, one version, restore, and an
 * administrator's removal of a kept version's features. Reading a version's features is the
 * `version` parameter of /api/layers/{id}/features.
 */
type Param = Record<string, unknown>;

const pathParam = (name: string, description: string, type = 'string'): Param => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type },
});
const LAYER = pathParam('id', 'Layer id (slug), e.g. batas-kelurahan-kota-tangerang');
const VERSION = pathParam('version', 'Version number (1 = the empty layer as created)', 'integer');
const DRAFT = pathParam('version', 'Version number, or "draft" for the layer\'s open draft');
const answers = (description: string) => ({
  200: { description, content: { 'application/json': {} } },
  '4XX': { $ref: '#/components/responses/Error' },
});
const bearer = [{ bearer: [] }];

export function versionsOpenApiPaths(): Record<string, unknown> {
  return {
    '/api/layers/{id}/versions': {
      get: {
        summary: "A layer's versions, newest first: state, action, who, when, count, extent, schema and changes",
        tags: ['versions'],
        parameters: [
          LAYER,
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
          { name: 'before', in: 'query', schema: { type: 'integer' } },
        ],
        responses: answers('{ layer, dataVersion, items, links }'),
      },
    },
    '/api/layers/{id}/versions/{version}': {
      get: {
        summary: 'One version, with its changes against the one before',
        tags: ['versions'],
        parameters: [LAYER, VERSION],
        responses: answers('Version'),
      },
    },
    '/api/layers/{id}/versions/{from}/diff/{to}': {
      get: {
        summary:
          'Features added, removed or changed from one version to another (matched by feature id), with a summary; paged by feature id',
        tags: ['versions'],
        parameters: [
          LAYER,
          pathParam('from', 'Version to compare from', 'integer'),
          pathParam('to', 'Version to compare to', 'integer'),
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
          { name: 'after', in: 'query', schema: { type: 'integer', minimum: 0 } },
        ],
        responses: {
          200: {
            description: 'GeoJSON FeatureCollection with summary and links',
            content: { 'application/geo+json': {} },
          },
          '4XX': { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/api/layers/{id}/versions/{version}/submit': {
      post: {
        summary: "Submit a draft (or a rejected one, corrected) for walidata's review (the layer's produsen)",
        tags: ['versions'],
        security: bearer,
        parameters: [LAYER, DRAFT],
        responses: answers('The submitted version'),
      },
    },
    '/api/layers/{id}/versions/{version}/approve': {
      post: {
        summary: 'Publish a submitted draft after the publication checks (walidata, admin)',
        tags: ['versions'],
        security: bearer,
        parameters: [LAYER, DRAFT],
        responses: answers('The published version'),
      },
    },
    '/api/layers/{id}/versions/{version}/reject': {
      post: {
        summary: 'Reject a submitted draft with a note saying what to fix (walidata, admin)',
        tags: ['versions'],
        security: bearer,
        parameters: [LAYER, DRAFT],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['note'],
                properties: { note: { type: 'string', minLength: 3, maxLength: 2000 } },
              },
            },
          },
        },
        responses: answers('The rejected version'),
      },
    },
    '/api/layers/{id}/versions/{version}/restore': {
      post: {
        summary: 'Make a kept version current again, as a new version (no feature is copied)',
        tags: ['versions'],
        security: bearer,
        parameters: [LAYER, VERSION],
        responses: answers('The new version'),
      },
    },
    '/api/layers/{id}/versions/{version}/features': {
      delete: {
        summary: "Delete a kept version's features, keeping its record (administrators; audited)",
        tags: ['versions'],
        security: bearer,
        parameters: [LAYER, VERSION],
        responses: answers('{ layer, version, deleted }'),
      },
    },
    '/api/versions/retention': {
      get: {
        summary:
          'What the retention policy would remove now: stale drafts, expired published versions (administrators)',
        tags: ['versions'],
        security: bearer,
        responses: answers('{ policy, drafts, versions }'),
      },
      post: {
        summary:
          "Apply the retention policy: discard stale drafts; with versions: true, remove expired versions' data (administrators; audited)",
        tags: ['versions'],
        security: bearer,
        requestBody: {
          content: {
            'application/json': {
              schema: z.toJSONSchema(retentionBody, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }),
            },
          },
        },
        responses: answers('{ discardedDrafts, removedVersions, skipped }'),
      },
    },
  };
}
