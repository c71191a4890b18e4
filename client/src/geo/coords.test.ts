import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { parseCoordinates, readCoordinates } from './coords.js';

/** The same metres through PROJ's own definition: an independent check of the UTM series. */
function utm(zone: number, south: boolean, e: number, n: number): [number, number] {
  const def = `+proj=utm +zone=${zone}${south ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`;
  const [lon = NaN, lat = NaN] = proj4(def, 'EPSG:4326', [e, n]);
  return [lon, lat];
}

const KANTOR = [106.63, -6.1781];
const DMS = [106.63, -(6 + 10 / 60 + 41 / 3600)];

describe('readCoordinates', () => {
  it.each([
    // Decimal degrees, point or comma, either order, any separator
    ['-6.1256, 106.6559', [106.6559, -6.1256], 'degrees'],
    ['106.6559 -6.1256', [106.6559, -6.1256], 'degrees'],
    ['-6.1256;106.6559', [106.6559, -6.1256], 'degrees'],
    ['-6,1781 106,6300', KANTOR, 'degrees'],
    ['106,6300 -6,1781', KANTOR, 'degrees'],
    ['-6,1781; 106,6300', KANTOR, 'degrees'],
    ['-6,1781, 106,6300', KANTOR, 'degrees'],
    ['-6.1781,106.6300', KANTOR, 'degrees'],
    ['-6,1781,106,6300', KANTOR, 'degrees'],
    ['+106.63 -6.1781', KANTOR, 'degrees'],
    ['   -6.1781    106.63  ', KANTOR, 'degrees'],
    // Degrees, minutes, seconds with N/S/E/W or LU/LS/BT/BB
    [`6°07'32"S 106°39'21"E`, [106.65583, -6.12556], 'dms'],
    ['S 6 7 32 E 106 39 21', [106.65583, -6.12556], 'dms'],
    [`106°39'21.2"E, 6°7'32.2"S`, [106.65589, -6.12561], 'dms'],
    ['6d 7m 32s S 106d 39m 21s E', [106.65583, -6.12556], 'dms'],
    [`6°10'41" LS 106°37'48" BT`, DMS, 'dms'],
    [`6°10'41,0" LS 106°37'48,0" BT`, DMS, 'dms'],
    ['LS 6 10 41 BT 106 37 48', DMS, 'dms'],
    ['6 10 41 LS, 106 37 48 BT', DMS, 'dms'],
    [`6°10'41" ls 106°37'48" bt`, DMS, 'dms'],
    ['6°10′41″ LS 106°37′48″ BT', DMS, 'dms'],
    [`6º10'41"S 106º37'48"E`, DMS, 'dms'],
    ['6,1781 LS 106,63 BT', KANTOR, 'dms'],
    ['6.1781° S 106.63° E', KANTOR, 'dms'],
    ['106.63 BT 6.1781 LS', KANTOR, 'dms'],
    [`1°17'N 103°51'E`, [103.85, 1 + 17 / 60], 'dms'],
    [`6°10'41" LU 106°37'48" BB`, [-106.63, 6 + 10 / 60 + 41 / 3600], 'dms'],
    // Map links as people paste them
    ['https://www.google.com/maps/@-6.1781,106.63,15z', KANTOR, 'link'],
    ['https://maps.google.com/?q=-6.1781,106.63', KANTOR, 'link'],
    [
      'https://www.google.com/maps/place/Pusat+Pemerintahan/@-6.17,106.6,17z/data=!3m1!4b1!4m6!3m5!1s0x0:0x0!8m2!3d-6.1781!4d106.63',
      KANTOR,
      'link',
    ],
    ['https://www.google.com/maps/search/?api=1&query=-6.1781%2C106.63', KANTOR, 'link'],
    ['https://www.openstreetmap.org/?mlat=-6.1781&mlon=106.63#map=17/-6.1781/106.63', KANTOR, 'link'],
    ['https://www.openstreetmap.org/#map=17/-6.1781/106.63', KANTOR, 'link'],
    ['geo:-6.1781,106.63', KANTOR, 'link'],
  ])('reads %s', (text, [lon, lat], from) => {
    const r = readCoordinates(text);
    expect(r).toMatchObject({ ok: true, from });
    if (!r.ok) return;
    expect(r.lon).toBeCloseTo(lon as number, 4);
    expect(r.lat).toBeCloseTo(lat as number, 4);
  });

  it.each([
    ['48S 676000 9318000', 48, true, 676000, 9318000, false],
    ['UTM 48S 676000 9318000', 48, true, 676000, 9318000, false],
    ['zona 48S 676543,21 9318765,43', 48, true, 676543.21, 9318765.43, false],
    ['676000 E 9318000 N', 48, true, 676000, 9318000, true],
    ['E 676000 N 9318000', 48, true, 676000, 9318000, true],
    ['9318000 N 676000 E', 48, true, 676000, 9318000, true],
    ['9318000 676000', 48, true, 676000, 9318000, true],
    ['676000 9318000', 48, true, 676000, 9318000, true],
    ['48M 676000 9318000', 48, true, 676000, 9318000, false],
    ['49S 200000 9300000', 49, true, 200000, 9300000, false],
    ['48 N 500000 150000', 48, false, 500000, 150000, false],
  ])('reads UTM %s as PROJ does', (text, zone, south, e, n, assumed) => {
    const r = readCoordinates(text);
    const [lon, lat] = utm(zone, south, e, n);
    expect(r).toMatchObject({ ok: true, from: 'utm', zone: `${zone}${south ? 'S' : 'N'}` });
    if (!r.ok) return;
    expect(Boolean(r.assumed)).toBe(assumed);
    // Within 1e-6° (about 0.1 m) of PROJ.
    expect(Math.abs(r.lon - lon)).toBeLessThan(1e-6);
    expect(Math.abs(r.lat - lat)).toBeLessThan(1e-6);
  });

  it.each([
    '',
    'abc',
    'Jl. Daan Mogot',
    '1 2 3',
    '200, 300',
    `6°07'32"S 6°39'21"S`,
    `6°75'00"S 106°39'21"E`,
    '-6.1 , ',
    'N 6 E',
    '48S 676000',
    '48S 1000 2000',
    '1234 5678 9012',
    '-6,1,7,8,106',
    'https://example.com/halaman',
  ])('refuses %j as unreadable', (text) => {
    expect(readCoordinates(text)).toEqual({ ok: false, why: 'unreadable' });
    expect(parseCoordinates(text)).toBeNull();
  });

  it.each([
    ['45 60', [60, 45], [45, 60]],
    ['-6,1781 6,63', [6.63, -6.1781], [-6.1781, 6.63]],
  ])('refuses %j as ambiguous, with both readings', (text, latLon, lonLat) => {
    expect(readCoordinates(text)).toEqual({ ok: false, why: 'ambiguous', options: [latLon, lonLat] });
  });
});
