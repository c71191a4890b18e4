import fs from 'node:fs';

// The real clients the tests drive are installed by .ci/run from Debian: GDAL (gdal-bin), OWSLib
// (python3-owslib, for Debian's /usr/bin/python3) and xmllint (libxml2-utils). On a machine
// without them their tests say so and skip, except in CI where they always run.
const ci = process.env.CI === 'true';
export const hasGdal = ci || fs.existsSync('/usr/bin/ogrinfo');
export const PYTHON = '/usr/bin/python3';
export const hasOwslib = ci || (fs.existsSync(PYTHON) && fs.existsSync('/usr/lib/python3/dist-packages/owslib'));
export const hasXmllint = ci || fs.existsSync('/usr/bin/xmllint');
/** poppler-utils (pdftoppm, pdftotext, pdfinfo) read printed maps back. */
export const hasPoppler = ci || fs.existsSync('/usr/bin/pdftoppm');
