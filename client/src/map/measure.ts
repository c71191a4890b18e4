import turfArea from '@turf/area';
import { lineString, polygon } from '@turf/helpers';
import turfLength from '@turf/length';
import type { Feature } from 'geojson';
import type { GeoJSONSource, Map as MlMap, MapMouseEvent } from 'maplibre-gl';

/** Distance (m/km) or area (m²/ha) of points clicked on the map; a double click finishes. */
export class Measure {
  active = false;
  private shape: 'distance' | 'area' = 'distance';
  private points: [number, number][] = [];

  constructor(
    private readonly map: MlMap,
    private readonly onResult: (text: string) => void,
  ) {
    map.addSource('measure', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({
      id: 'measure-fill',
      type: 'fill',
      source: 'measure',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': '#111827', 'fill-opacity': 0.1 },
    });
    map.addLayer({
      id: 'measure-line',
      type: 'line',
      source: 'measure',
      filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': '#111827', 'line-width': 2, 'line-dasharray': [2, 1] },
    });
    map.addLayer({
      id: 'measure-points',
      type: 'circle',
      source: 'measure',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 4, 'circle-color': '#111827' },
    });
    map.on('click', (e: MapMouseEvent) => {
      if (!this.active) return;
      this.points.push([e.lngLat.lng, e.lngLat.lat]);
      this.draw();
    });
    map.on('dblclick', (e: MapMouseEvent) => {
      if (!this.active) return;
      e.preventDefault();
      this.active = false;
      map.getCanvas().style.cursor = '';
    });
  }

  start(shape: 'distance' | 'area'): void {
    this.shape = shape;
    this.active = true;
    this.points = [];
    this.map.getCanvas().style.cursor = 'crosshair';
    this.draw();
  }

  clear(): void {
    this.active = false;
    this.points = [];
    this.map.getCanvas().style.cursor = '';
    this.draw();
  }

  private draw(): void {
    const features: Feature[] = this.points.map((p) => ({
      type: 'Feature',
      properties: {},
      geometry: { type: 'Point', coordinates: p },
    }));
    let text = '';
    if (this.shape === 'area' && this.points.length >= 3) {
      const poly = polygon([[...this.points, this.points[0] as [number, number]]]);
      features.push(poly);
      const m2 = turfArea(poly);
      text = m2 >= 10_000 ? `${(m2 / 10_000).toFixed(2)} ha` : `${m2.toFixed(0)} m²`;
    } else if (this.points.length >= 2) {
      const line = lineString(this.points);
      features.push(line);
      const km = turfLength(line, { units: 'kilometers' });
      text = km >= 1 ? `${km.toFixed(2)} km` : `${(km * 1000).toFixed(0)} m`;
    }
    void this.map.getSource<GeoJSONSource>('measure')?.setData({ type: 'FeatureCollection', features });
    this.onResult(text);
  }
}
