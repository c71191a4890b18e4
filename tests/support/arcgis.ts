import { expect } from 'vitest';
import { createLayer, replaceFeatures } from './layers.js';
import type { TestServer } from './test-server.js';

/** An ArcGIS error body: HTTP 200, the ArcGIS code, our stable code as messageCode. */
export interface ArcgisError {
  error: { code: number; message: string; details: string[]; messageCode: string };
}

export interface FeatureSet {
  objectIdFieldName: string;
  geometryType: string;
  spatialReference: { wkid: number; latestWkid: number };
  fields: { name: string; type: string; alias: string }[];
  exceededTransferLimit: boolean;
  features: { attributes: Record<string, unknown>; geometry?: Record<string, unknown> }[];
}

export const UJI = 'setda-uji-arcgis';
export const UJI_COUNT = 60;

/** The path of a layer's FeatureServer. */
export const featureServer = (folder: string, slug: string) => `/arcgis/rest/services/${folder}/${slug}/FeatureServer`;

/**
 * A point layer of 60 features whose values exercise every where operator: text with quotes,
 * integers and decimals with gaps, booleans, dates, a field name with a space, and nulls in each.
 */
export async function createUjiLayer(s: Pick<TestServer, 'get'>, auth: Record<string, string>): Promise<void> {
  await createLayer(s, auth, {
    slug: UJI,
    title: 'Uji ArcGIS',
    agency: 'setda',
    theme: 'batas-wilayah',
    geometryType: 'Point',
    fields: [
      { name: 'nama', type: 'string' },
      { name: 'jumlah', type: 'integer' },
      { name: 'luas', type: 'number' },
      { name: 'aktif', type: 'boolean' },
      { name: 'tanggal', type: 'date' },
      { name: 'nama jalan', type: 'string' },
    ],
  });
  const names = ['Taman', 'Pasar', 'Sekolah', "Taman O'Brien"];
  const features = Array.from({ length: UJI_COUNT }, (_, i) => ({
    type: 'Feature',
    properties: {
      nama: i % 10 === 9 ? null : `${names[i % 4]} ${i}`,
      jumlah: i % 7 === 0 ? null : i,
      luas: Math.round(i * 0.1 * 10) / 10,
      aktif: i % 3 === 2 ? null : i % 3 === 0,
      tanggal: i % 5 === 4 ? null : `2024-03-${String(1 + (i % 28)).padStart(2, '0')}`,
      'nama jalan': i % 2 === 1 ? `Jl. ${i}` : null,
    },
    geometry: { type: 'Point', coordinates: [106.6 + (i % 10) * 0.01, -6.2 + Math.floor(i / 10) * 0.01] },
  }));
  await replaceFeatures(s, auth, UJI, features);
}

/** A GET query of layer 0 with these parameters; the answer must be HTTP 200 (errors too). */
export async function query<T = FeatureSet>(
  s: Pick<TestServer, 'get'>,
  service: string,
  params: Record<string, string>,
  init?: RequestInit,
): Promise<T> {
  const res = await s.get(`${service}/0/query?${new URLSearchParams(params).toString()}`, init);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}
