import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { AppError } from '../http/app-error.js';
import { baseUrl } from '../http/links.js';
import { intParam, parseQuery } from '../http/query.js';
import type { DistrictsService } from '../districts/districts-service.js';
import type { CkanService } from './ckan-service.js';
import { dcatCatalog, themeConceptScheme, type JsonLdDocument } from './dcat.js';
import { RDF_EXTENSIONS, RDF_TYPES, serialize, type RdfFormat } from './rdf-out.js';

/** Query of the DCAT catalog; also feeds the OpenAPI document. */
export const dcatQuery = z.object({
  /** 1-based page of datasets. */
  page: intParam(1, 1_000_000).default(1),
  page_size: intParam(1, 1000).default(100),
});

/**
 * The public catalog as DCAT-AP 2.1 (`/catalog/dcat`, paged with Hydra) and our theme concept
 * scheme (`/catalog/themes`), each in JSON-LD, Turtle, RDF/XML or N-Triples: by extension
 * (`.jsonld`, `.ttl`, `.rdf`, `.nt`) or, without one, by the Accept header (JSON-LD when it names
 * none of them). Publik datasets only, whoever asks, as CKAN.
 */
export function dcatRoutes(deps: AppDeps, service: CkanService, districts: DistrictsService): Router {
  const router = Router();
  const root = (req: Request) => baseUrl(req, deps.config.publicUrl);

  const catalog = async (req: Request, res: Response) => {
    const { page, page_size: pageSize } = parseQuery(req, dcatQuery);
    const [layers, elements, cityBbox] = await Promise.all([
      service.all(req.caller),
      service.allElements(req.caller),
      districts.cityExtent(),
    ]);
    layers.sort((a, b) => (a.slug < b.slug ? -1 : 1));
    elements.sort((a, b) => (a.slug < b.slug ? -1 : 1));
    const totalItems = layers.length + elements.length;
    const last = Math.max(1, Math.ceil(totalItems / pageSize));
    if (page > last)
      throw new AppError(400, 'invalid_parameter', `page ${page} is past the last page, ${last}, of ${pageSize}.`, {
        parameter: 'page',
        value: String(page),
      });
    const from = (page - 1) * pageSize;
    const to = from + pageSize;
    const iso = (t: string) => new Date(t).toISOString();
    const created = [...layers.map((l) => l.createdAt), ...elements.map((e) => e.createdAt)].map(iso).sort();
    const changed = [...layers.map((l) => l.dataUpdatedAt), ...elements.map((e) => e.modifiedAt)].map(iso).sort();
    const doc = dcatCatalog(
      {
        layers: layers.slice(from, to),
        elements: elements.slice(Math.max(0, from - layers.length), Math.max(0, to - layers.length)),
        page,
        pageSize,
        totalItems,
        issued: created[0] ?? null,
        modified: changed.at(-1) ?? null,
        cityBbox,
        pagePath: req.path,
      },
      root(req),
    );
    await send(req, res, doc);
  };
  router.get('/catalog/dcat', catalog);
  router.get('/catalog/dcat.:ext', catalog);

  const themes = async (req: Request, res: Response) => {
    parseQuery(req, z.object({}));
    await send(req, res, themeConceptScheme(await service.groups(req.caller), root(req)));
  };
  router.get('/catalog/themes', themes);
  router.get('/catalog/themes.:ext', themes);
  return router;
}

/** The format an extension names, else the one the Accept header prefers (JSON-LD by default). */
function formatOf(req: Request): RdfFormat {
  const ext = typeof req.params.ext === 'string' ? req.params.ext : undefined;
  if (ext !== undefined) {
    const f = RDF_EXTENSIONS[ext];
    if (!f)
      throw new AppError(404, 'not_found', `No catalog in ".${ext}": use .jsonld, .ttl, .rdf or .nt.`, {
        parameter: 'format',
        value: ext,
      });
    return f;
  }
  const order: RdfFormat[] = ['jsonld', 'turtle', 'rdfxml', 'ntriples'];
  const picked = req.accepts(order.map((f) => RDF_TYPES[f]));
  return order.find((f) => RDF_TYPES[f] === picked) ?? 'jsonld';
}

async function send(req: Request, res: Response, doc: JsonLdDocument): Promise<void> {
  const f = formatOf(req);
  const body = await serialize(doc, f);
  res.vary('Accept').type(`${RDF_TYPES[f]}; charset=utf-8`).send(body);
}
