import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, fromQuery, toQuery, type ViewState } from './view-state.js';

describe('view state in the URL', () => {
  it('round-trips center, zoom, layer order, opacity, visibility, district, point and language', () => {
    const state: ViewState = {
      center: [106.65432, -6.17123],
      zoom: 13.25,
      layers: [
        { id: 'disdik-sekolah-dasar-ciledug-2025', opacity: 0.6, visible: true },
        { id: 'batas-kelurahan-kota-tangerang', opacity: 1, visible: false },
        { id: 'bpbd-titik-banjir-benda-2025', opacity: 1, visible: true },
      ],
      district: '36.71.04.1004',
      point: [106.6559, -6.1256],
      thematic: {
        id: 'dak-penduduk-kecamatan-kpu2014',
        level: 'kecamatan',
        period: '2024',
        method: 'jenks',
        k: 4,
        since: '2020',
      },
      lang: 'en',
    };
    expect(fromQuery(toQuery(state))).toEqual(state);
  });

  it('keeps a thematic map with the latest period and an undated one apart', () => {
    const latest = {
      id: 'sampel-disdukcapil-jumlah-penduduk',
      level: null,
      period: null,
      method: 'quantile',
      k: 5,
      since: null,
    } as const;
    expect(fromQuery(toQuery({ ...DEFAULT_STATE, thematic: latest })).thematic).toEqual(latest);
    expect(fromQuery('e=x1:rt:20x4:kmeans:12:20;1').thematic).toEqual({
      id: 'x1',
      level: null,
      period: null,
      method: 'quantile',
      k: 5,
      since: null,
    });
    const undated = { ...latest, period: '', level: 'kecamatan' } as const;
    expect(fromQuery(toQuery({ ...DEFAULT_STATE, thematic: undated })).thematic).toEqual(undated);
    expect(fromQuery('e=BAD!').thematic).toBeNull();
  });

  it('keeps links short for defaults', () => {
    const q = toQuery({ ...DEFAULT_STATE, layers: [{ id: 'batas-kota-tangerang', opacity: 1, visible: true }] });
    expect(q).toBe('c=106.65000,-6.17700&z=11.30&l=batas-kota-tangerang');
  });

  it('drops malformed parts instead of failing', () => {
    const s = fromQuery('c=abc&z=99&l=ok-layer,BAD!,ok-layer,x2:7&d=36.71;drop&p=200,1&lang=fr');
    expect(s.center).toEqual(DEFAULT_STATE.center);
    expect(s.zoom).toBe(DEFAULT_STATE.zoom);
    expect(s.layers).toEqual([
      { id: 'ok-layer', opacity: 1, visible: true },
      { id: 'x2', opacity: 1, visible: true },
    ]);
    expect(s.district).toBeNull();
    expect(s.point).toBeNull();
    expect(s.lang).toBe('id');
  });
});
