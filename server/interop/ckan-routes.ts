import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { AppError } from '../http/app-error.js';
import { baseUrl } from '../http/links.js';
import { intParam, parseQuery } from '../http/query.js';
import { anyPackageJson } from './ckan-json.js';
import { ELEMENT_PACKAGE_PREFIX } from './ckan-service.js';
import type { CkanService } from './ckan-service.js';
import { dcatCatalog } from './dcat.js';

/** Query of package_search; also feeds the OpenAPI document. */
export const packageSearchQuery = z.object({
  q: z.string().max(200).optional(),
  fq: z.string().max(500).optional(),
  sort: z.string().max(100).optional(),
  rows: intParam(0, 1000).default(10),
  start: intParam(0, 1_000_000).default(0),
});

/**
 * A read-only CKAN Action API subset (what CKAN harvesters and the Satu Data Indonesia portal
 * call) and a DCAT JSON-LD catalog, both over `publik` layers only. CKAN clients read CKAN's
 * envelope, so these answer `{ help, success, result }` and, on errors, CKAN's error object with
 * our stable code beside it and the real HTTP status.
 */
export function interopRoutes(deps: AppDeps, service: CkanService): Router {
  const router = Router();
  const root = (req: Request) => baseUrl(req, deps.config.publicUrl);
  const action = (name: string, handler: (req: Request) => Promise<unknown>) => {
    router.get(`/api/3/action/${name}`, async (req: Request, res: Response, next: NextFunction) => {
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
    });
  };

  action('package_list', async (req) => {
    parseQuery(req, z.object({}));
    const [layers, elements] = await Promise.all([service.all(req.caller), service.allElements(req.caller)]);
    return [...layers.map((l) => l.slug), ...elements.map((e) => `${ELEMENT_PACKAGE_PREFIX}${e.slug}`)];
  });
  action('package_show', async (req) => {
    const { id } = parseQuery(req, z.object({ id: z.string().min(1).max(120) }));
    return anyPackageJson(await service.show(req.caller, id), root(req));
  });
  action('package_search', async (req) => {
    const q = parseQuery(req, packageSearchQuery);
    const r = await service.search(req.caller, q);
    return {
      count: r.count,
      sort: r.sort,
      results: r.results.map((p) => anyPackageJson(p, root(req))),
      facets: {},
      search_facets: {},
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

  router.get('/catalog/dcat.jsonld', async (req, res) => {
    parseQuery(req, z.object({}));
    const [layers, elements] = await Promise.all([service.all(req.caller), service.allElements(req.caller)]);
    res.type('application/ld+json').json(dcatCatalog(layers, elements, root(req)));
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
