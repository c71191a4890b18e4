import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Quad } from '@rdfjs/types';
import { JsonLdParser } from 'jsonld-streaming-parser';
import { DataFactory, Parser, Store } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { isomorphic } from 'rdf-isomorphic';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import { describe, expect, it } from 'vitest';
import { adminAuth } from './support/layers.js';
import { useTestServer } from './support/use-test-server.js';

const s = useTestServer();

const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  hydra: 'http://www.w3.org/ns/hydra/core#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  gsp: 'http://www.opengis.net/ont/geosparql#',
  eu: 'http://publications.europa.eu/resource/authority/',
};
const SHAPES = path.join(import.meta.dirname, 'schemas', 'dcat-ap-2.1.1');

/** Reads an answer with a parser that is not ours, by its media type. */
async function parse(text: string, type: string, base: string): Promise<Quad[]> {
  if (type.startsWith('text/turtle') || type.startsWith('application/n-triples')) return new Parser().parse(text);
  const parser = type.startsWith('application/rdf+xml') ? new RdfXmlParser({ baseIRI: base }) : new JsonLdParser();
  const quads: Quad[] = [];
  await new Promise<void>((resolve, reject) => {
    Readable.from([text])
      .pipe(parser)
      .on('data', (q: Quad) => quads.push(q))
      .on('error', reject)
      .on('end', resolve);
  });
  return quads;
}

async function graph(pathAndQuery: string, headers: Record<string, string> = {}): Promise<Store> {
  const res = await s.get(pathAndQuery, { headers });
  expect(res.status, await res.clone().text()).toBe(200);
  return new Store(await parse(await res.text(), res.headers.get('content-type') ?? '', s.url + pathAndQuery));
}

/** Objects as n3 reads its terms back: IRIs and literal text as they are, blank nodes as `_:label`. */
const objects = (g: Store, subject: string | null, predicate: string) =>
  g.getObjects(subject, predicate, null).map((o) => (o.termType === 'BlankNode' ? `_:${o.value}` : o.value));
const datasetsOf = (g: Store) => g.getSubjects(`${NS.rdf}type`, `${NS.dcat}Dataset`, null);

/**
 * The gather stage of ckanext-dcat's RDF harvester: fetch a page, take every dcat:Dataset, follow
 * hydra:nextPage (or hydra:next) until a page has none.
 */
async function harvest(first: string, headers: Record<string, string> = {}): Promise<string[]> {
  const ids: string[] = [];
  let next: string | undefined = first;
  for (let pages = 0; next; pages++) {
    expect(pages, 'paging does not end').toBeLessThan(100);
    const g = await graph(next.replace(s.url, ''), headers);
    for (const d of datasetsOf(g)) ids.push(...objects(g, d.value, `${NS.dct}identifier`));
    next = [...objects(g, null, `${NS.hydra}nextPage`), ...objects(g, null, `${NS.hydra}next`)][0];
  }
  return ids;
}

describe('DCAT-AP catalog', () => {
  it('is harvested page by page in RDF/XML, each publik layer and data element once, the same as CKAN lists', async () => {
    const list = ((await (await s.get('/api/3/action/package_list')).json()) as { result: string[] }).result;
    const ids = await harvest('/catalog/dcat.rdf?page_size=500');
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids.sort()).toEqual([...list].sort());
    expect(ids).not.toContain(s.terbatas);
    // The same whoever asks: a token that may see terbatas layers does not put them in the catalog.
    const admin = await adminAuth(s.db.knex, 'dcat');
    expect((await harvest('/catalog/dcat.ttl?page_size=1000', admin)).sort()).toEqual(ids);
    // Some 7,000 datasets read twice: minutes on a busy 2-core machine.
  }, 300_000);

  it('says the same graph in JSON-LD, Turtle, RDF/XML and N-Triples, by extension or by Accept', async () => {
    const page = '?page=2&page_size=7';
    const jsonld = await graph(`/catalog/dcat.jsonld${page}`);
    expect(datasetsOf(jsonld)).toHaveLength(7);
    for (const [suffix, accept] of [
      ['.ttl', ''],
      ['.rdf', ''],
      ['.nt', ''],
      ['', 'text/turtle'],
      ['', 'application/rdf+xml;q=0.9, text/html;q=0.1'],
      ['', 'application/ld+json'],
    ] as const) {
      const g = await graph(`/catalog/dcat${suffix}${page}`, accept ? { Accept: accept } : {});
      // Hydra page addresses name the path asked, so compare the rest.
      const strip = (x: Store) => x.getQuads(null, null, null, null).filter((q) => !q.subject.value.includes('?page='));
      expect(isomorphic(strip(g), strip(jsonld)), `${suffix} ${accept}`).toBe(true);
    }
    const res = await s.get(`/catalog/dcat${page}`, { headers: { Accept: 'text/turtle' } });
    expect(res.headers.get('content-type')).toMatch(/^text\/turtle/);
    expect(res.headers.get('vary')).toMatch(/Accept/);
  });

  it('conforms to the DCAT-AP 2.1.1 SHACL shapes: mandatory, ranges and recommended', async () => {
    const shapes = new Store();
    for (const f of fs.readdirSync(SHAPES).filter((n) => n.endsWith('.ttl')))
      shapes.addQuads(new Parser().parse(fs.readFileSync(path.join(SHAPES, f), 'utf8')));
    const validator = new SHACLValidator(shapes);
    // A page of layers and the page where the layers end and data elements begin.
    const total = Number(objects(await graph('/catalog/dcat.ttl?page_size=1'), null, `${NS.hydra}totalItems`)[0]);
    const elements = ((await (await s.get('/api/elements?limit=1')).json()) as { total: number }).total;
    expect(total).toBeGreaterThan(elements);
    const pageSize = 25;
    const { rows } = await s.db.knex.raw<{ rows: { slug: string }[] }>(
      `select slug from layers where time_min is null and classification = 'publik'`,
    );
    const undated = new Set(rows.map((r) => `${s.url}/api/layers/${r.slug}`));
    const unlicensedRows = await s.db.knex.raw<{ rows: { iri: string }[] }>(
      `select '/api/layers/' || slug as iri from layers where coalesce(trim(license), '') = ''
       union all select '/api/elements/' || slug from elements where coalesce(trim(license), '') = ''`,
    );
    const noLicence = new Set(unlicensedRows.rows.map((r) => `${s.url}${r.iri}`));
    const unwordedRows = await s.db.knex.raw<{ rows: { iri: string }[] }>(
      `select '/api/layers/' || slug as iri from layers where cardinality(keywords) = 0
       union all select '/api/elements/' || slug from elements where cardinality(keywords) = 0`,
    );
    const unworded = new Set(unwordedRows.rows.map((r) => `${s.url}${r.iri}`));
    const boundary = Math.ceil((total - elements) / pageSize);
    for (const page of [1, boundary, Math.ceil(total / pageSize)]) {
      const g = await graph(`/catalog/dcat.ttl?page=${page}&page_size=${pageSize}`);
      const report = await validator.validate(g);
      // Recommended, and left out where the data has no dates (as in its ISO 19139 record).
      const undatedTemporal = (r: (typeof report.results)[number]) =>
        r.path?.value === `${NS.dct}temporal` && undated.has(r.focusNode?.value ?? '');
      // Recommended too: a licence given only as words (not one of the register's) has no type we could know.
      const wordsOnlyLicence = (r: (typeof report.results)[number]) =>
        r.path?.value === `${NS.dct}type` &&
        r.focusNode?.termType === 'BlankNode' &&
        g.has(
          DataFactory.quad(
            r.focusNode,
            DataFactory.namedNode(`${NS.rdf}type`),
            DataFactory.namedNode(`${NS.dct}LicenseDocument`),
          ),
        );
      // Recommended: a distribution of a dataset whose producer named no licence has none.
      const unlicensed = (r: (typeof report.results)[number]) =>
        r.path?.value === `${NS.dct}license` &&
        g.getSubjects(`${NS.dcat}distribution`, r.focusNode ?? null, null).every((d) => noLicence.has(d.value));
      // Recommended: a dataset its producer gave no keywords has none.
      const noKeywords = (r: (typeof report.results)[number]) =>
        r.path?.value === `${NS.dcat}keyword` && unworded.has(r.focusNode?.value ?? '');
      const problems = report.results
        .filter((r) => !undatedTemporal(r) && !wordsOnlyLicence(r) && !unlicensed(r) && !noKeywords(r))
        .map(
          (r) =>
            `${r.severity?.value.split('#')[1]} ${r.focusNode?.value} ${r.path?.value}: ${r.message.map((m) => m.value).join(' ')}`,
        );
      expect(problems, `page ${page}`).toEqual([]);
    }
  });

  it('uses IRIs of controlled vocabularies and typed literals, and every IRI of ours resolves', async () => {
    const g = await graph('/catalog/dcat.ttl?page_size=1000');
    const themes = await graph('/catalog/themes.ttl');
    const datasets = datasetsOf(g);
    expect(datasets.length).toBeGreaterThan(100);
    const typedAs = (subject: string, predicate: string, datatype: string) =>
      g.getObjects(subject, predicate, null).every((o) => o.termType === 'Literal' && o.datatype.value === datatype);
    for (const d of datasets) {
      const theme = objects(g, d.value, `${NS.dcat}theme`);
      expect(
        theme.some((t) => t.startsWith(`${NS.eu}data-theme/`)),
        d.value,
      ).toBe(true);
      for (const t of theme.filter((x) => x.startsWith(s.url)))
        expect(themes.getQuads(t, `${NS.skos}inScheme`, null, null), t).toHaveLength(1);
      expect(objects(g, d.value, `${NS.dct}language`)).toEqual([`${NS.eu}language/IND`]);
      for (const f of objects(g, d.value, `${NS.dct}accrualPeriodicity`))
        expect(f).toMatch(/\/authority\/frequency\/[A-Z_0-9]+$/);
      expect(typedAs(d.value, `${NS.dct}issued`, `${NS.xsd}dateTime`)).toBe(true);
      expect(typedAs(d.value, `${NS.dct}modified`, `${NS.xsd}dateTime`)).toBe(true);
      expect(objects(g, d.value, `${NS.dcat}landingPage`)[0], d.value).toMatch(new RegExp(`^${s.url}/\\?`));
      for (const dist of objects(g, d.value, `${NS.dcat}distribution`)) {
        expect(objects(g, dist, `${NS.dcat}mediaType`)[0]).toMatch(
          /^http:\/\/www\.iana\.org\/assignments\/media-types\/[a-z]+\/[\w.+-]+$/,
        );
        expect(objects(g, dist, `${NS.dct}format`)[0]).toMatch(/\/authority\/file-type\/[A-Z_]+$/);
      }
    }
    // Layers: a WKT box and the Kemendagri district, a download of each format.
    const layer = `${s.url}/api/layers/batas-kota-tangerang`;
    const spatial = objects(g, layer, `${NS.dct}spatial`);
    expect(spatial).toContain(`${s.url}/api/districts/36.71`);
    const box = g.getObjects(null, `${NS.dcat}bbox`, null).find((o) => o.termType === 'Literal');
    expect(box?.termType === 'Literal' && box.datatype.value).toBe(`${NS.gsp}wktLiteral`);
    expect(box?.value).toMatch(/^POLYGON\(\(106\.\d+ -6\.\d+(, 106\.\d+ -6\.\d+){4}\)\)$/);
    const downloads = objects(g, layer, `${NS.dcat}distribution`).flatMap((d) =>
      objects(g, d, `${NS.dcat}downloadURL`),
    );
    expect(downloads.map((u) => u.split('/').at(-1)).sort()).toEqual([
      'download.csv',
      'download.geojson',
      'download.gpkg',
      'download.shp.zip',
    ]);
    for (const url of [...downloads, ...spatial.filter((x) => !x.startsWith('_:') && x.startsWith('http'))]) {
      const res = await s.get(url.replace(s.url, ''));
      expect(res.status, url).toBe(200);
      await res.arrayBuffer();
    }
    // Data elements (after the layers, so on the last page): the years their periods span, and
    // their values as a CSV download.
    const lastPage = objects(g, null, `${NS.hydra}lastPage`)[0] ?? '';
    const eg = await graph(lastPage.replace(s.url, ''));
    const element = datasetsOf(eg).find((d) => d.value.includes('/api/elements/'))?.value ?? '';
    expect(element).not.toBe('');
    const values = objects(eg, element, `${NS.dcat}distribution`).flatMap((d) =>
      objects(eg, d, `${NS.dcat}downloadURL`),
    );
    expect(values).toEqual([`${element}/values.csv`]);
    const temporal = objects(eg, element, `${NS.dct}temporal`)[0] ?? '';
    const start = eg.getObjects(temporal, `${NS.dcat}startDate`, null)[0];
    expect(start?.termType === 'Literal' && start.datatype.value).toBe(`${NS.xsd}date`);
    expect(start?.value).toMatch(/^\d{4}-01-01$/);
  });

  it('refuses a page it cannot give with a clear error, and keeps serving', async () => {
    for (const [query, code, status] of [
      ['?page=0', 'invalid_parameter', 400],
      ['?page=100000', 'invalid_parameter', 400],
      ['?page_size=5000', 'invalid_parameter', 400],
      ['?page=abc', 'invalid_parameter', 400],
      ['?pagesize=10', 'unknown_parameter', 400],
    ] as const) {
      const res = await s.get(`/catalog/dcat${query}`);
      expect(res.status, query).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code, query).toBe(code);
    }
    const unknown = await s.get('/catalog/dcat.foo');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/\.ttl/);
    expect((await s.get('/catalog/dcat.jsonld?page_size=1')).status).toBe(200);
  });
});
