import type { AppDeps } from './app-deps.js';
import { ArcgisService } from './arcgis/arcgis-service.js';
import { TokenStore } from './auth/token-store.js';
import { CatalogService } from './catalog/catalog-service.js';
import { DistrictsService } from './districts/districts-service.js';
import { ElementsService } from './elements/elements-service.js';
import { ElementValuesLoader } from './elements/value-upload.js';
import { DownloadCache } from './features/download-cache.js';
import { FeaturesService } from './features/features-service.js';
import { GlyphsService } from './glyphs/glyphs-service.js';
import { Metrics } from './health/metrics.js';
import { IngestService } from './ingest/ingest-service.js';
import { LayerWriteService } from './ingest/layer-write.js';
import { VersionsService } from './ingest/versions-service.js';
import { ReviewService } from './ingest/review-service.js';
import { RetentionService } from './ingest/retention-service.js';
import { CkanService } from './interop/ckan-service.js';
import { CswService } from './interop/csw-service.js';
import { NodeStatusService } from './interop/node-status.js';
import { OgcService } from './ogc/ogc-service.js';
import { QualityService } from './quality/quality-service.js';
import { ProgressService } from './quality/progress-service.js';
import { RenderService } from './render/render-service.js';
import { StyleService } from './render/style-service.js';
import { PrintService } from './render/print-service.js';
import { WmsService } from './render/wms-service.js';
import { TileCache } from './tiles/tile-cache.js';
import { TilesService } from './tiles/tiles-service.js';
import { WfsService } from './wfs/wfs-service.js';
import { WebhooksService } from './notify/webhooks-service.js';

/** Each capability's public face, built once. Route factories receive these; nothing else builds a service. */
export interface Services {
  tokens: TokenStore;
  catalog: CatalogService;
  districts: DistrictsService;
  features: FeaturesService;
  elements: ElementsService;
  elementValues: ElementValuesLoader;
  ogc: OgcService;
  tiles: TilesService;
  quality: QualityService;
  progress: ProgressService;
  ckan: CkanService;
  csw: CswService;
  nodeStatus: NodeStatusService;
  ingest: IngestService;
  versions: VersionsService;
  review: ReviewService;
  retention: RetentionService;
  webhooks: WebhooksService;
  layerWrites: LayerWriteService;
  glyphs: GlyphsService;
  wfs: WfsService;
  render: RenderService;
  styles: StyleService;
  print: PrintService;
  wms: WmsService;
  arcgis: ArcgisService;
  metrics: Metrics;
}

/** The composition root. */
export function buildServices(deps: AppDeps): Services {
  const { knex } = deps.db;
  const { config } = deps;
  const districts = new DistrictsService(knex);
  const catalog = new CatalogService(knex, districts);
  const features = new FeaturesService(
    knex,
    catalog,
    districts,
    new DownloadCache(config.downloadCache),
    deps.db.backend === 'postgresql',
  );
  const tiles = new TilesService(knex, catalog, deps.tileCache ?? new TileCache(config.tileCacheBytes), {
    useMvt: deps.db.capabilities.mvt,
    maxLayers: config.tilesMaxLayers,
    maxFeatures: config.tilesMaxFeatures,
    maxBytes: config.tilesMaxBytes,
    registryTtlMs: config.tilesRegistryTtlMs,
    changes: deps.db.changes,
  });
  const render = new RenderService(knex, catalog, {
    maxSize: config.renderMaxSize,
    maxFeatures: config.renderMaxFeatures,
    maxLayers: config.tilesMaxLayers,
  });
  const elements = new ElementsService(knex, catalog, districts);
  const layerWrites = new LayerWriteService(knex, catalog);
  const versions = new VersionsService(knex, catalog, elements);
  const quality = new QualityService(knex, catalog);
  const webhooks = new WebhooksService(deps.db.primary, catalog, deps.log, {
    ...config.webhooks,
    publicUrl: config.publicUrl,
  });
  deps.db.onClose(() => webhooks.stop());
  webhooks.start();
  const { job, ...policy } = config.retention;
  const retention = new RetentionService(deps.db.primary, deps.log, policy);
  deps.db.onClose(() => retention.stop());
  if (job) retention.start();
  const review = new ReviewService(knex, catalog, versions, elements, webhooks, config.review);
  const metrics = new Metrics();
  const { reads } = deps.db;
  metrics.pools(() => [{ name: 'primary', knex: deps.db.primary }, ...(reads?.replicaPools() ?? [])]);
  if (reads) {
    metrics.gauge(
      'satupeta_replica_lag_seconds',
      'How far each streaming replica is behind the primary (-1 while it is away)',
      function () {
        for (const r of reads.state()) this.set({ replica: r.name }, r.lagMs === null ? -1 : r.lagMs / 1000);
      },
      ['replica'],
    );
    metrics.gauge(
      'satupeta_requests_by_database',
      'Requests whose reads went to the primary or to a replica',
      function () {
        this.set({ database: 'primary' }, reads.served.primary);
        this.set({ database: 'replica' }, reads.served.replica);
      },
      ['database'],
    );
  }
  metrics.tileCache(tiles.cacheStats());
  const { changes } = deps.db;
  metrics.gauge('satupeta_change_notices_live', '1 while database change notices are being received', function () {
    this.set(changes.live ? 1 : 0);
  });
  return {
    metrics,
    tokens: new TokenStore(knex, deps.log),
    catalog,
    webhooks,
    districts,
    features,
    elements,
    elementValues: new ElementValuesLoader(knex, deps.db.backend, config.upload.maxValueRows),
    ogc: new OgcService(catalog, features, {
      defaultLimit: config.ogcDefaultLimit,
      maxLimit: config.featuresMaxLimit,
      overMax: 'clamp',
    }),
    tiles,
    quality,
    progress: new ProgressService(knex, catalog, quality),
    ckan: new CkanService(catalog, elements),
    csw: new CswService(catalog, elements),
    nodeStatus: new NodeStatusService(catalog, elements),
    ingest: new IngestService(
      knex,
      deps.db.backend,
      catalog,
      features,
      districts,
      elements,
      versions,
      review,
      config.upload,
    ),
    versions,
    review,
    retention,
    layerWrites,
    styles: new StyleService(knex, catalog, layerWrites),
    print: new PrintService(render, districts, elements, {
      maxPixels: config.printMaxPixels,
      concurrency: config.printConcurrency,
    }),
    glyphs: new GlyphsService(),
    // Without COUNT a GetFeature answers up to CountDefault features (the largest page).
    wfs: new WfsService(catalog, features, {
      defaultLimit: config.featuresMaxLimit,
      maxLimit: config.featuresMaxLimit,
      overMax: 'clamp',
    }),
    render,
    wms: new WmsService(catalog, features, render),
    // maxRecordCount is the largest feature page any protocol serves.
    arcgis: new ArcgisService(catalog, features, config.featuresMaxLimit),
  };
}
