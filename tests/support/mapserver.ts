import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { StyleRule } from '../../server/render/style-rule.js';
import { NO_DATA_COLOR } from '../../server/render/style-layers.js';

const run = promisify(execFile);
export const MAPSERV = '/usr/bin/mapserv';
/** Debian's MapServer (cgi-mapserver) is installed: CI installs it; a laptop may not have it. */
export const hasMapserver = existsSync(MAPSERV);

export interface MapLayer {
  /** Its WMS name (our layer id). */
  name: string;
  layerId: number;
  type: 'POLYGON' | 'LINE' | 'POINT';
  /** Properties read as columns (the SLD filters and labels name them), each `name type`. */
  columns: { name: string; type: 'text' | 'float8' }[];
  /** MAPSERVER CLASS lines drawn without an SLD (the same style by hand). */
  classes?: string;
  /** MAXFEATURES: at most this many features per request (a tile cap, as ours). */
  maxFeatures?: number;
}

/**
 * A mapfile drawing layers of our `features` table from PostGIS with MapServer, as a PALAPA node
 * running MapServer would publish them; `geom_3857` serves EPSG:3857 maps without reprojection,
 * as our renderer reads it; under FastCGI each process keeps its PostgreSQL connection between
 * requests (CLOSE_CONNECTION=DEFER, MapServer's documented setting for that). The map folder
 * also gets the config file MapServer 8 needs to accept `map=` from this folder.
 */
export async function writeMapfile(
  dir: string,
  connection: string,
  layers: MapLayer[],
): Promise<{ map: string; config: string }> {
  const pg = new URL(connection);
  const conn = `host=${pg.hostname} port=${pg.port || 5432} user=${decodeURIComponent(pg.username) || 'postgres'} dbname=${pg.pathname.slice(1)}`;
  const layerText = layers.map((l) => {
    const cols = l.columns.map((c) => `(properties ->> '${c.name}')::${c.type} as ${c.name}`).join(', ');
    return `  LAYER
    NAME "${l.name}"
    TYPE ${l.type}
    CONNECTIONTYPE POSTGIS
    CONNECTION "${conn}"
    DATA "geom_3857 from (select fid, geom_3857${cols ? `, ${cols}` : ''} from features where layer_id = ${l.layerId}) as sub using unique fid using srid=3857"
    PROJECTION "init=epsg:3857" END
    METADATA "wms_title" "${l.name}" "gml_include_items" "all" END
    PROCESSING "CLOSE_CONNECTION=DEFER"
    STATUS ON${
      l.maxFeatures
        ? `
    MAXFEATURES ${l.maxFeatures}`
        : ''
    }
${l.classes ?? '    CLASS STYLE COLOR 200 200 200 END END'}
  END`;
  });
  const map = path.join(dir, 'satupeta.map');
  await fs.writeFile(
    map,
    `MAP
  NAME "satupeta"
  EXTENT 11850000 -710000 11900000 -670000
  SIZE 256 256
  MAXSIZE 4096
  IMAGECOLOR 255 255 255
  PROJECTION "init=epsg:3857" END
  SYMBOL NAME "circle" TYPE ELLIPSE FILLED TRUE POINTS 1 1 END END
  WEB METADATA "wms_enable_request" "*" "wms_srs" "EPSG:3857 EPSG:4326" "wms_title" "satupeta" "wms_onlineresource" "http://localhost/" "ows_sld_enabled" "true" END END
${layerText.join('\n')}
END
`,
  );
  const config = path.join(dir, 'mapserver.conf');
  await fs.writeFile(config, `CONFIG\n  ENV\n    MS_MAP_PATTERN "^${dir}/"\n  END\nEND\n`);
  return { map, config };
}

/** One WMS request through the mapserv CGI binary; the image (or XML) without the CGI headers. */
export async function mapserv(files: { map: string; config: string }, query: string): Promise<Buffer> {
  const { stdout } = await run(MAPSERV, [], {
    env: {
      MAPSERVER_CONFIG_FILE: files.config,
      REQUEST_METHOD: 'GET',
      QUERY_STRING: `map=${encodeURIComponent(files.map)}&${query}`,
    },
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  const end = stdout.indexOf('\r\n\r\n');
  return end >= 0 ? stdout.subarray(end + 4) : stdout;
}

const rgb = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `${(n >> 16) & 255} ${(n >> 8) & 255} ${n & 255}`;
};

/**
 * Our stored rule as MapServer CLASS blocks, so MapServer draws what we draw: a fill at its
 * opacity and an opaque outline, lines of the same width, circles of the same diameter; classes
 * as EXPRESSIONs in the order our style tests them, the rest last.
 */
export function mapfileClasses(rule: StyleRule, geometryType: 'Point' | 'LineString' | 'Polygon'): string {
  const s = rule.symbol;
  const style = (color: string) => {
    if (geometryType === 'Polygon')
      return (
        `STYLE COLOR ${rgb(color)} OPACITY ${Math.round(s.fillOpacity * 100)} END` +
        (s.width > 0 ? ` STYLE OUTLINECOLOR ${rgb(s.outlineColor ?? color)} WIDTH ${s.width} END` : '')
      );
    if (geometryType === 'LineString')
      return `STYLE COLOR ${rgb(color)} WIDTH ${s.width} LINECAP ROUND LINEJOIN ROUND END`;
    return `STYLE SYMBOL "circle" SIZE ${s.radius * 2} COLOR ${rgb(color)} OUTLINECOLOR ${rgb(s.outlineColor ?? '#ffffff')} WIDTH 1 END`;
  };
  const cls = (expression: string | null, color: string) =>
    `    CLASS ${expression ? `EXPRESSION (${expression}) ` : ''}${style(color)} END`;
  if (rule.kind === 'single') return cls(null, s.color);
  const field = `[${rule.property}]`;
  if (rule.kind === 'categorized')
    return [
      ...rule.classes.map((c) =>
        cls(typeof c.value === 'number' ? `${field} = ${c.value}` : `"${field}" = "${String(c.value)}"`, c.color),
      ),
      cls(null, s.color),
    ].join('\n');
  const sorted = [...rule.classes].sort((a, b) => a.min - b.min);
  return [
    ...sorted.map((c, i) => {
      const next = sorted[i + 1];
      const parts = [i === 0 ? null : `${field} >= ${c.min}`, next ? `${field} < ${next.min}` : null].filter(Boolean);
      return cls(parts.length ? parts.join(' AND ') : `${field} = ${field}`, c.color);
    }),
    cls(null, NO_DATA_COLOR),
  ].join('\n');
}
