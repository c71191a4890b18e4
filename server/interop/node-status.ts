import { ANONYMOUS } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { ElementsService } from '../elements/elements-service.js';
import { completenessByElement, METADATA_STANDARD } from '../quality/metadata-elements.js';

export interface ServiceCheck {
  service: string;
  url: string;
  ok: boolean;
  status: number | null;
  ms: number;
  problem: string | null;
}

/** What each probe must find in a healthy answer. */
const SERVICES: { service: string; path: (sample: string | null) => string | null; expect: string }[] = [
  { service: 'OGC API Features', path: () => '/ogc/collections', expect: '"collections"' },
  { service: 'WFS 2.0', path: () => '/wfs?SERVICE=WFS&REQUEST=GetCapabilities', expect: '<wfs:WFS_Capabilities' },
  { service: 'WMS 1.3.0', path: () => '/wms?SERVICE=WMS&REQUEST=GetCapabilities', expect: '<WMS_Capabilities' },
  { service: 'CSW 2.0.2', path: () => '/csw?service=CSW&request=GetCapabilities', expect: '<csw:Capabilities' },
  { service: 'CKAN Action API', path: () => '/api/3/action/status_show', expect: '"success":true' },
  { service: 'DCAT', path: () => '/catalog/dcat.jsonld?page_size=1', expect: 'dcat:Catalog' },
  {
    service: 'ISO 19139 record',
    path: (s) => (s ? `/api/layers/${encodeURIComponent(s)}/metadata.xml` : null),
    expect: '<gmd:MD_Metadata',
  },
  {
    service: 'Vector tiles (TileJSON)',
    path: (s) => (s ? `/tiles/${encodeURIComponent(s)}.json` : null),
    expect: '"tiles"',
  },
  {
    service: 'GeoJSON download',
    path: (s) => (s ? `/api/layers/${encodeURIComponent(s)}/download.geojson` : null),
    expect: '"FeatureCollection"',
  },
];

/**
 * The node self-check, as national monitoring (Simojang-style) would see this node: every public
 * service probed over HTTP at the node's public address (anonymous, as harvesters are), the CSW
 * record count against the publik layer and data element count, metadata completeness per SNI 8843-1 element, and
 * the layers a harvester gets no data from.
 */
export class NodeStatusService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly elements: ElementsService,
    private readonly timeoutMs = 10_000,
  ) {}

  private last: { base: string; at: number; report: Promise<Record<string, unknown>> } | null = null;

  /** The report for a base address, made at most once per 30 s (each makes ten requests to the node). */
  report(base: string): Promise<Record<string, unknown>> {
    const now = Date.now();
    if (this.last && this.last.base === base && now - this.last.at < 30_000) return this.last.report;
    const report = this.make(base);
    this.last = { base, at: now, report };
    report.catch(() => {
      this.last = null;
    });
    return report;
  }

  private async make(base: string): Promise<Record<string, unknown>> {
    const [layers, { total: publikElements }] = await Promise.all([
      this.catalog.visibleLayers(ANONYMOUS),
      this.elements.page(ANONYMOUS, { limit: 1, offset: 0, sort: 'id' }),
    ]);
    const sample =
      [...layers].filter((l) => l.featureCount > 0).sort((a, b) => a.featureCount - b.featureCount)[0]?.slug ?? null;
    const services = await Promise.all(
      SERVICES.map(({ service, path, expect }) => {
        const p = path(sample);
        return p === null
          ? Promise.resolve({
              service,
              url: '',
              ok: false,
              status: null,
              ms: 0,
              problem: 'no publik layer with features to probe',
            })
          : this.probe(service, `${base}${p}`, expect);
      }),
    );
    const records = await this.cswCount(base);
    const completeness = completenessByElement(layers);
    const empty = layers.filter((l) => l.featureCount === 0);
    const recordsOk = records.count === layers.length + publikElements;
    const ok = services.every((s) => s.ok) && recordsOk;
    return {
      status: ok ? 'ok' : 'degraded',
      checkedAt: new Date().toISOString(),
      base,
      services,
      catalogue: {
        publikLayers: layers.length,
        publikElements,
        cswRecords: records.count,
        match: recordsOk,
        problem: records.problem,
      },
      metadataStandard: METADATA_STANDARD,
      metadataCompleteness: completeness,
      layersWithoutData: { count: empty.length, layers: empty.slice(0, 50).map((l) => l.slug) },
    };
  }

  private async probe(service: string, url: string, expect: string): Promise<ServiceCheck> {
    const t0 = performance.now();
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: { 'Accept-Encoding': 'identity' },
      });
      const text = await res.text();
      const ms = Math.round(performance.now() - t0);
      const problem = !res.ok ? `HTTP ${res.status}` : text.includes(expect) ? null : `the answer lacks ${expect}`;
      return { service, url, ok: problem === null, status: res.status, ms, problem };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      return {
        service,
        url,
        ok: false,
        status: null,
        ms: Math.round(performance.now() - t0),
        problem: `unreachable (${cause})`,
      };
    }
  }

  private async cswCount(base: string): Promise<{ count: number | null; problem: string | null }> {
    try {
      const res = await fetch(`${base}/csw?service=CSW&version=2.0.2&request=GetRecords&resultType=hits`, {
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const m = /numberOfRecordsMatched="(\d+)"/.exec(await res.text());
      return m ? { count: Number(m[1]), problem: null } : { count: null, problem: `HTTP ${res.status}, no count` };
    } catch (err) {
      return {
        count: null,
        problem: `unreachable (${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name})`,
      };
    }
  }
}
