/** Bahasa Indonesia first; English as a switch. */
export type Lang = 'id' | 'en';

const id = {
  appTitle: 'Satu Peta Kota Tangerang',
  catalog: 'Katalog', active: 'Aktif', districts: 'Wilayah', tools: 'Alat',
  searchPlaceholder: 'Cari lapisan (mis. sekolah, banjir, jalan)…',
  allAgencies: 'Semua perangkat daerah', allThemes: 'Semua tema', allDistricts: 'Semua wilayah',
  layersFound: (n: number) => `${n.toLocaleString('id-ID')} lapisan`,
  add: 'Tambah', remove: 'Hapus', added: 'Aktif',
  noActive: 'Belum ada lapisan aktif. Tambahkan dari Katalog.',
  opacity: 'Transparansi', show: 'Tampilkan', zoomTo: 'Perbesar ke lapisan', metadata: 'Metadata',
  moveUp: 'Naikkan', moveDown: 'Turunkan', download: 'Unduh',
  downloadInDistrict: 'hanya di wilayah terpilih',
  loading: 'Memuat…', tilesFailed: 'Gagal memuat ubin peta. Coba lagi nanti.',
  chooseKecamatan: 'Pilih kecamatan', chooseKelurahan: 'Pilih kelurahan',
  layersInDistrict: 'Lapisan dengan objek di wilayah ini',
  checkTitle: 'Cek wilayah (kecamatan/kelurahan)', checkHint: 'Klik peta atau ketik koordinat: -6.1256, 106.6559 atau 6°07\'32"S 106°39\'21"E',
  check: 'Cek', outside: 'Di luar Kota Tangerang', badCoordinates: 'Koordinat tidak terbaca.',
  kecamatan: 'Kecamatan', kelurahan: 'Kelurahan', code: 'Kode',
  measure: 'Ukur', measureDistance: 'Jarak', measureArea: 'Luas', measureClear: 'Bersihkan',
  measureHint: 'Klik titik-titik di peta; klik ganda untuk selesai.',
  exportPng: 'Ekspor PNG', embed: 'Kode sematan', embedHint: 'Salin kode ini ke halaman Anda:', copy: 'Salin', close: 'Tutup',
  share: 'Salin tautan', copied: 'Tersalin', sample: 'data sampel', language: 'English',
  featureCount: (n: number) => `${n.toLocaleString('id-ID')} objek`,
  menu: 'Menu',
};

const en: typeof id = {
  appTitle: 'One Map of Kota Tangerang',
  catalog: 'Catalog', active: 'Active', districts: 'Districts', tools: 'Tools',
  searchPlaceholder: 'Search layers (e.g. sekolah, banjir, jalan)…',
  allAgencies: 'All agencies', allThemes: 'All themes', allDistricts: 'All districts',
  layersFound: (n: number) => `${n.toLocaleString('en-US')} layers`,
  add: 'Add', remove: 'Remove', added: 'Active',
  noActive: 'No active layers yet. Add some from the Catalog.',
  opacity: 'Opacity', show: 'Show', zoomTo: 'Zoom to layer', metadata: 'Metadata',
  moveUp: 'Move up', moveDown: 'Move down', download: 'Download',
  downloadInDistrict: 'only in the chosen district',
  loading: 'Loading…', tilesFailed: 'Map tiles failed to load. Try again later.',
  chooseKecamatan: 'Choose a kecamatan', chooseKelurahan: 'Choose a kelurahan',
  layersInDistrict: 'Layers with features in this district',
  checkTitle: 'Boundary check (kecamatan/kelurahan)', checkHint: 'Click the map or type coordinates: -6.1256, 106.6559 or 6°07\'32"S 106°39\'21"E',
  check: 'Check', outside: 'Outside Kota Tangerang', badCoordinates: 'Could not read those coordinates.',
  kecamatan: 'Kecamatan', kelurahan: 'Kelurahan', code: 'Code',
  measure: 'Measure', measureDistance: 'Distance', measureArea: 'Area', measureClear: 'Clear',
  measureHint: 'Click points on the map; double-click to finish.',
  exportPng: 'Export PNG', embed: 'Embed code', embedHint: 'Copy this code into your page:', copy: 'Copy', close: 'Close',
  share: 'Copy link', copied: 'Copied', sample: 'sample data', language: 'Bahasa Indonesia',
  featureCount: (n: number) => `${n.toLocaleString('en-US')} features`,
  menu: 'Menu',
};

export type Strings = typeof id;
export const strings: Record<Lang, Strings> = { id, en };
