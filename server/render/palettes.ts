/**
 * Colour schemes for classified styles: ColorBrewer's (Cynthia Brewer, Penn State; colour-blind
 * safe where ColorBrewer says so) at 9 classes, and the land-use colours of Indonesian spatial
 * plans (RTRW/RDTR maps: yellow for housing, red for trade and services, purple for industry,
 * green for open space, brown for public facilities, blue for water).
 */
export const SEQUENTIAL = {
  YlOrRd: ['#ffffcc', '#ffeda0', '#fed976', '#feb24c', '#fd8d3c', '#fc4e2a', '#e31a1c', '#bd0026', '#800026'],
  Blues: ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'],
  Greens: ['#f7fcf5', '#e5f5e0', '#c7e9c0', '#a1d99b', '#74c476', '#41ab5d', '#238b45', '#006d2c', '#00441b'],
  Purples: ['#fcfbfd', '#efedf5', '#dadaeb', '#bcbddc', '#9e9ac8', '#807dba', '#6a51a3', '#54278f', '#3f007d'],
  Reds: ['#fff5f0', '#fee0d2', '#fcbba1', '#fc9272', '#fb6a4a', '#ef3b2c', '#cb181d', '#a50f15', '#67000d'],
  YlGnBu: ['#ffffd9', '#edf8b1', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#253494', '#081d58'],
  OrRd: ['#fff7ec', '#fee8c8', '#fdd49e', '#fdbb84', '#fc8d59', '#ef6548', '#d7301f', '#b30000', '#7f0000'],
} as const;

export const QUALITATIVE = {
  Set2: ['#66c2a5', '#fc8d62', '#8da0cb', '#e78ac3', '#a6d854', '#ffd92f', '#e5c494', '#b3b3b3'],
  Dark2: ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'],
  Paired: [
    '#a6cee3',
    '#1f78b4',
    '#b2df8a',
    '#33a02c',
    '#fb9a99',
    '#e31a1c',
    '#fdbf6f',
    '#ff7f00',
    '#cab2d6',
    '#6a3d9a',
    '#ffff99',
    '#b15928',
  ],
} as const;

export type PaletteName = keyof typeof SEQUENTIAL | keyof typeof QUALITATIVE;
export const PALETTE_NAMES = [...Object.keys(SEQUENTIAL), ...Object.keys(QUALITATIVE)] as [
  PaletteName,
  ...PaletteName[],
];

/** n colours of a palette: sequential ones spread over their range (lightest class dropped), qualitative ones in order, repeating. */
export function paletteColors(name: PaletteName, n: number): string[] {
  if (name in SEQUENTIAL) {
    const ramp = SEQUENTIAL[name as keyof typeof SEQUENTIAL];
    if (n <= 1) return [ramp[6]];
    // From the second step to the last, so the palest class still shows on white paper.
    return Array.from({ length: n }, (_, i) => ramp[Math.round(1 + (i * (ramp.length - 2)) / (n - 1))] as string);
  }
  const set = QUALITATIVE[name as keyof typeof QUALITATIVE];
  return Array.from({ length: n }, (_, i) => set[i % set.length] as string);
}

/** Land-use zones of RTRW/RDTR maps by the words in their names, else undefined. */
export function landUseColor(zone: string): string | undefined {
  const z = zone.toLowerCase();
  if (/^r-?1\b/.test(z)) return '#e6c300';
  if (/^r-?2\b/.test(z)) return '#f2dc00';
  if (/^r-?3\b|perumahan|permukiman|^r\b/.test(z)) return '#ffff73';
  if (/^kt\b|perkantoran/.test(z)) return '#ff73df';
  if (/^k-?1\b|perdagangan|jasa|^k\b/.test(z)) return '#ff0000';
  if (/^k-?2\b/.test(z)) return '#ff7f7f';
  if (/industri|^kpi\b|^i\b/.test(z)) return '#a900e6';
  if (/gudang|pergudangan/.test(z)) return '#c29ed7';
  if (/rth|hijau|taman/.test(z)) return '#38a800';
  if (/^spu\b|fasilitas|pelayanan umum/.test(z)) return '#a87000';
  if (/sungai|situ|air|badan air/.test(z)) return '#73b2ff';
  return undefined;
}
