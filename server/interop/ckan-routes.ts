import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { AppError } from '../http/app-error.js';
import { baseUrl } from '../http/links.js';
import { intParam, parseQuery } from '../http/query.js';
import { facetCounts, parseFacetFields } from './ckan-facets.js';
import { anyPackageJson } from './ckan-json.js';
import { LICENSES } from './ckan-licenses.js';
import { ELEMENT_PACKAGE_PREFIX } from './ckan-service.js';
import type { CkanService } from './ckan-service.js';

/** Query of package_search; also feeds the OpenAPI document. */
export const packageSearchQuery = z.object({
  q: z.string().max(200).optional(),
  fq: z.string().max(500).optional(),
  sort: z.string().max(100).optional(),
  /** Clamped to 1,000 as CKAN does. */
  rows: intParam(0, 1_000_000).default(10),
  start: intParam(0, 1_000_000).default(0),
  /** Fields to return (comma or space separated), as CKAN's `fl`. */
  fl: z.string().max(500).optional(),
  /** A JSON list of fields to count over every match: organization, groups, tags, license_id, res_format. */
  'facet.field': z.string().max(500).optional(),
  /** Values per facet, most frequent first; -1 for all (CKAN's default is 50). */
  'facet.limit': z.coerce.number().int().min(-1).max(100_000).default(50),
  'facet.mincount': z.coerce.number().int().min(0).max(100_000).default(1),
  facet: z.enum(['true', 'false']).default('true'),
  // Accepted as CKAN clients send them; nothing private or draft is ever published here.
  include_private: z.string().max(10).optional(),
  include_drafts: z.string().max(10).optional(),
});

const ROWS_MAX = 1000;
const pageQuery = z.object({ limit: intParam(0, 1_000_000).optional(), offset: intParam(0, 1_000_000).default(0) });

/** What each action does, for help_show. */
const HELP: Record<string, string> = {
  package_list: 'Ids of every publik dataset (layers, and data elements as elemen-<id>); limit, offset.',
  package_show: 'One dataset by id.',
  package_search:
    'Search: q, fq (organization, groups, tags, metadata_modified ranges; OR, negation), sort, rows, start, fl, facet.field (organization, groups, tags, license_id, res_format), facet.limit, facet.mincount.',
  current_package_list_with_resources: 'Datasets with their resources, newest first; limit, offset.',
  resource_show: 'One resource by id.',
  organization_list: 'Organizations (perangkat daerah and BUMD); all_fields.',
  organization_show: 'One organization by id.',
  group_list: 'Groups (themes); all_fields.',
  group_show: 'One group by id.',
  tag_list: 'Every keyword of a publik dataset; query filters by a word.',
  license_list: 'The licence register.',
  status_show: 'This site and the CKAN API version it follows.',
  help_show: 'What an action does.',
};

/**
 * A read-only CKAN Action API subset (what CKAN harvesters and the Satu Data Indonesia portal
 * call) and a DCAT JSON-LD catalog, both over `publik` layers only. CKAN clients read CKAN's
 * envelope, so these answer `{ help, success, result }` and, on errors, CKAN's error object with
 * our stable code beside it and the real HTTP status.
 */
export function interopRoutes(deps: AppDeps, service: CkanService): Router {
  const router = Router();
  const root = (req: Request) => baseUrl(req, deps.config.publicUrl);
  const action = (name: string, handler: (req: Request) => unknown) => {
    const answer = async (req: Request, res: Response, next: NextFunction) => {
      const help = `${root(req)}/api/3/action/help_show?name=${name}`;
      try {
        res.json({ help, success: true, result: await handler(req) });
      } catch (err) {
        if (!(err instanceof AppError)) {
          next(err);
          return;
        }
        const type = err.status === 404 ? 'Not Found Error' : 'Validation Error';
        res.status(err.status).json({
          help,
          success: false,
          error: { __type: type, message: err.message, code: err.code, ...err.details },
        });
      }
    };
    router.get(`/api/3/action/${name}`, answer);
    // CKAN clients (ckanapi, the npm ckan package) POST their calls, with a JSON or form body.
    router.post(`/api/3/action/${name}`, postBody, (req: Request, res: Response, next: NextFunction) => {
      Object.defineProperty(req, 'query', { value: { ...(req.query as object), ...asParams(req.body) } });
      void answer(req, res, next);
    });
  };

  action('package_list', async (req) => {
    const { limit, offset } = parseQuery(req, pageQuery);
    const [layers, elements] = await Promise.all([service.all(req.caller), service.allElements(req.caller)]);
    const ids = [...layers.map((l) => l.slug), ...elements.map((e) => `${ELEMENT_PACKAGE_PREFIX}${e.slug}`)];
    return ids.slice(offset, limit === undefined ? undefined : offset + limit);
  });
  action('current_package_list_with_resources', async (req) => {
    const { limit, offset } = parseQuery(req, pageQuery);
    const r = await service.search(req.caller, {
      sort: 'metadata_modified desc',
      rows: Math.min(limit ?? ROWS_MAX, ROWS_MAX),
      start: offset,
    });
    return r.results.map((p) => anyPackageJson(p, root(req)));
  });
  action('resource_show', async (req) => {
    const { id } = parseQuery(req, z.object({ id: z.string().min(1).max(200) }));
    const cut = id.lastIndexOf('-');
    const notFound = new AppError(
      404,
      'resource_not_found',
      `No resource "${id}". Resources are listed in package_show.`,
      {
        parameter: 'id',
        value: id,
      },
    );
    if (cut <= 0) throw notFound;
    const pkg = await service.show(req.caller, id.slice(0, cut)).catch(() => {
      throw notFound;
    });
    const resource = (anyPackageJson(pkg, root(req)).resources as { id: string }[]).find((r) => r.id === id);
    if (!resource) throw notFound;
    return resource;
  });
  action('help_show', (req) => {
    const { name } = parseQuery(req, z.object({ name: z.string().min(1).max(100) }));
    const text = HELP[name];
    if (!text)
      throw new AppError(404, 'not_found', `No action "${name}". Actions: ${Object.keys(HELP).join(', ')}.`, {
        parameter: 'name',
        value: name,
      });
    return text;
  });
  action('status_show', (req) => {
    parseQuery(req, z.object({}));
    return {
      site_title: 'Satu Data Satu Peta Kota Tangerang',
      site_description: 'Lapisan geospasial dan elemen data publik Kota Tangerang (satupeta).',
      site_url: root(req),
      ckan_version: '2.10.0',
      locale_default: 'id',
      extensions: ['satupeta'],
    };
  });
  action('license_list', (req) => {
    parseQuery(req, z.object({}));
    return LICENSES.map((l) => ({ ...l, status: 'active', maintainer: '', family: '' }));
  });
  action('tag_list', async (req) => {
    const { query } = parseQuery(
      req,
      z.object({ query: z.string().max(100).optional(), all_fields: z.string().max(10).optional() }),
    );
    const [layers, elements] = await Promise.all([service.all(req.caller), service.allElements(req.caller)]);
    const tags = new Set([...layers.flatMap((l) => l.keywords), ...elements.flatMap((e) => e.keywords)]);
    const word = query?.toLowerCase();
    return [...tags].filter((t) => !word || t.toLowerCase().includes(word)).sort();
  });
  action('package_show', async (req) => {
    const { id } = parseQuery(req, z.object({ id: z.string().min(1).max(120) }));
    return anyPackageJson(await service.show(req.caller, id), root(req));
  });
  action('package_search', async (req) => {
    const q = parseQuery(req, packageSearchQuery);
    const facetFields = q.facet === 'true' ? parseFacetFields(q['facet.field']) : [];
    const r = await service.search(
      req.caller,
      { ...q, rows: Math.min(q.rows, ROWS_MAX) },
      { everything: facetFields.length > 0 },
    );
    const fields = q.fl?.split(/[\s,]+/).filter(Boolean);
    const pick = (pkg: Record<string, unknown>) =>
      fields?.length ? Object.fromEntries(fields.filter((f) => f in pkg).map((f) => [f, pkg[f]])) : pkg;
    const counted = facetCounts(
      (r.all ?? []).map((p) => anyPackageJson(p, root(req))),
      facetFields,
      q['facet.limit'],
      q['facet.mincount'],
    );
    return {
      count: r.count,
      sort: r.sort,
      results: r.results.map((p) => pick(anyPackageJson(p, root(req)))),
      ...counted,
    };
  });
  action('organization_list', async (req) => {
    const { all_fields: allFields } = parseQuery(
      req,
      z.object({ all_fields: z.enum(['true', 'false']).default('false') }),
    );
    const orgs = await service.organizations(req.caller);
    return allFields === 'true' ? orgs.map(organizationJson) : orgs.map((o) => o.code);
  });
  action('organization_show', async (req) => {
    const { id } = parseQuery(
      req,
      z.object({ id: z.string().min(1).max(64), include_datasets: z.enum(['true', 'false']).optional() }),
    );
    const org = (await service.organizations(req.caller)).find((o) => o.code === id);
    if (!org)
      throw new AppError(404, 'organization_not_found', `No organization "${id}". See organization_list.`, {
        parameter: 'id',
        value: id,
      });
    return organizationJson(org);
  });
  action('group_list', async (req) => {
    const { all_fields: allFields } = parseQuery(
      req,
      z.object({ all_fields: z.enum(['true', 'false']).default('false') }),
    );
    const groups = await service.groups(req.caller);
    return allFields === 'true'
      ? groups.map((g) => ({
          id: g.code,
          name: g.code,
          title: g.name,
          display_name: g.name,
          description: g.description,
          package_count: g.packageCount,
          type: 'group',
        }))
      : groups.map((g) => g.code);
  });

  action('group_show', async (req) => {
    const { id } = parseQuery(
      req,
      z.object({ id: z.string().min(1).max(64), include_datasets: z.string().max(10).optional() }),
    );
    const group = (await service.groups(req.caller)).find((g) => g.code === id);
    if (!group)
      throw new AppError(404, 'group_not_found', `No group "${id}". See group_list.`, { parameter: 'id', value: id });
    return {
      id: group.code,
      name: group.code,
      title: group.name,
      display_name: group.name,
      description: group.description,
      package_count: group.packageCount,
      type: 'group',
      is_organization: false,
      state: 'active',
    };
  });

  return router;
}

function organizationJson(o: { code: string; name: string; shortName: string; kind: string; packageCount: number }) {
  return {
    id: o.code,
    name: o.code,
    title: o.name,
    display_name: o.name,
    description: `${o.shortName} (${o.kind})`,
    package_count: o.packageCount,
    type: 'organization',
    is_organization: true,
    state: 'active',
  };
}

const postBody = [express.json({ limit: '64kb' }), express.urlencoded({ extended: false, limit: '64kb' })];

/** A POSTed body as query parameters: strings kept, other JSON values written as JSON (CKAN reads `facet.field` that way). */
function asParams(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}
