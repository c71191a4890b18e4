/**
 * Extended WKB (little endian, SRID 4326) of a checked GeoJSON geometry, as hex: the form COPY and
 * a geometry column take without any parsing function. Z values are dropped (layers are 2D).
 */
type Pos = number[];

const TYPE_CODES: Record<string, number> = {
  Point: 1,
  LineString: 2,
  Polygon: 3,
  MultiPoint: 4,
  MultiLineString: 5,
  MultiPolygon: 6,
};
const SRID_FLAG = 0x20000000;

export function toEwkbHex(type: string, coordinates: unknown): string {
  const w = new Writer();
  write(w, type, coordinates, true);
  return w.hex();
}

function write(w: Writer, type: string, c: unknown, withSrid: boolean): void {
  const code = TYPE_CODES[type];
  if (code === undefined) throw new Error(`unsupported geometry ${type}`);
  w.u8(1);
  w.u32(withSrid ? code | SRID_FLAG : code);
  if (withSrid) w.u32(4326);
  switch (type) {
    case 'Point':
      w.pos(c as Pos);
      break;
    case 'LineString':
      w.positions(c as Pos[]);
      break;
    case 'Polygon':
      w.rings(c as Pos[][]);
      break;
    case 'MultiPoint':
      w.u32((c as Pos[]).length);
      for (const p of c as Pos[]) write(w, 'Point', p, false);
      break;
    case 'MultiLineString':
      w.u32((c as Pos[][]).length);
      for (const l of c as Pos[][]) write(w, 'LineString', l, false);
      break;
    case 'MultiPolygon':
      w.u32((c as Pos[][][]).length);
      for (const p of c as Pos[][][]) write(w, 'Polygon', p, false);
      break;
  }
}

class Writer {
  private buf = Buffer.allocUnsafe(256);
  private at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf.writeUInt8(v, this.at);
    this.at += 1;
  }
  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v >>> 0, this.at);
    this.at += 4;
  }
  pos(p: Pos): void {
    this.room(16);
    this.buf.writeDoubleLE(p[0] ?? NaN, this.at);
    this.buf.writeDoubleLE(p[1] ?? NaN, this.at + 8);
    this.at += 16;
  }
  positions(ps: Pos[]): void {
    this.u32(ps.length);
    for (const p of ps) this.pos(p);
  }
  rings(rs: Pos[][]): void {
    this.u32(rs.length);
    for (const r of rs) this.positions(r);
  }
  hex(): string {
    return this.buf.toString('hex', 0, this.at);
  }
}
