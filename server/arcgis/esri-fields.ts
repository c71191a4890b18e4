import type { FieldDef, LayerRecord } from '../catalog/layer-types.js';
import { ID_PROPERTY } from '../features/feature-query.js';
import { badRequest } from '../http/app-error.js';
import type { WhereField, WhereSchema } from './where-parser.js';

/** The object id field every layer has: our feature id. */
export const OID_FIELD = 'OBJECTID';

/** A registry field as GeoServices clients see it. */
export interface EsriField {
  /** The name in layer JSON, attributes, where, outFields and orderByFields. */
  name: string;
  property: string;
  type: FieldDef['type'];
}

/** Field types in layer JSON: booleans are 1/0 small integers and dates epoch milliseconds, as ArcGIS writes them. */
const ESRI_TYPES: Record<FieldDef['type'], [string, string]> = {
  string: ['esriFieldTypeString', 'sqlTypeNVarchar'],
  integer: ['esriFieldTypeInteger', 'sqlTypeInteger'],
  number: ['esriFieldTypeDouble', 'sqlTypeDouble'],
  boolean: ['esriFieldTypeSmallInteger', 'sqlTypeSmallInt'],
  date: ['esriFieldTypeDate', 'sqlTypeDate'],
};

/**
 * The Esri names of a layer's fields: the registry name where it is already a SQL identifier
 * (letters, digits, "_", a letter first), else with every other character as "_" and "F_" in
 * front of a leading digit or "_"; a clash with OBJECTID or another field (case-insensitive, as
 * where clauses read names) gets "_2", "_3"…. The same layer always gets the same names. The
 * registry name stays the field's alias.
 */
export function esriFields(layer: Pick<LayerRecord, 'fields'>): EsriField[] {
  const used = new Set([OID_FIELD.toLowerCase()]);
  return layer.fields.map((f) => {
    let base = f.name.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z]/.test(base)) base = `F_${base}`;
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n += 1) name = `${base}_${n}`;
    used.add(name.toLowerCase());
    return { name, property: f.name, type: f.type };
  });
}

/** The fields array of layer JSON (and of query answers): the object id first. */
export function fieldsJson(fields: EsriField[], withOid = true): Record<string, unknown>[] {
  const oid = {
    name: OID_FIELD,
    type: 'esriFieldTypeOID',
    alias: OID_FIELD,
    sqlType: 'sqlTypeInteger',
    domain: null,
    defaultValue: null,
    editable: false,
    nullable: false,
  };
  const rest = fields.map((f) => {
    const [type, sqlType] = ESRI_TYPES[f.type];
    return {
      name: f.name,
      type,
      alias: f.property,
      sqlType,
      domain: null,
      defaultValue: null,
      editable: false,
      nullable: true,
    };
  });
  return withOid ? [oid, ...rest] : rest;
}

/** A name as the client wrote it: its Esri name in any case; quoted, also the registry name. */
function find(fields: EsriField[], name: string, quoted: boolean): EsriField | undefined {
  return (
    fields.find((f) => f.name === name || (quoted && f.property === name)) ??
    fields.find((f) => f.name.toLowerCase() === name.toLowerCase())
  );
}

/** What a where clause reads against. */
export function whereSchema(fields: EsriField[]): WhereSchema {
  return {
    field(name, quoted): WhereField | null {
      if (name.toUpperCase() === OID_FIELD) return { kind: 'oid', name: OID_FIELD };
      const f = find(fields, name, quoted);
      return f ? { kind: 'field', name: f.name, property: f.property, type: f.type } : null;
    },
    names: [OID_FIELD, ...fields.map((f) => f.name)],
  };
}

const unknown = (parameter: string, name: string, fields: EsriField[]) =>
  badRequest(
    'unknown_property',
    `${parameter}: the layer has no field "${name}". Fields: ${[OID_FIELD, ...fields.map((f) => f.name)].join(', ')}.`,
    { parameter, value: name, available: [OID_FIELD, ...fields.map((f) => f.name)] },
  );

/** outFields: `*` for every field, else a list of names; the object id is always written. */
export function outFields(text: string | undefined, fields: EsriField[]): EsriField[] {
  const names = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.includes('*')) return fields;
  const out: EsriField[] = [];
  for (const name of names) {
    if (name.toUpperCase() === OID_FIELD) continue;
    const f = find(fields, name.replace(/^"(.*)"$/, '$1'), /^".*"$/.test(name));
    if (!f) throw unknown('outFields', name, fields);
    if (!out.includes(f)) out.push(f);
  }
  return out;
}

/** orderByFields (`name [ASC|DESC], …`) as the feature query's sortby (`-` for descending, `id` for OBJECTID). */
export function orderBy(text: string | undefined, fields: EsriField[]): string | undefined {
  const parts = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) return undefined;
  if (parts.length > 5)
    throw badRequest('invalid_parameter', 'orderByFields takes at most 5 fields.', { parameter: 'orderByFields' });
  return parts
    .map((part) => {
      const m = /^(.+?)(?:\s+(ASC|DESC))?$/i.exec(part);
      const name = (m?.[1] ?? part).trim();
      const descending = m?.[2]?.toUpperCase() === 'DESC';
      if (name.toUpperCase() === OID_FIELD) return `${descending ? '-' : ''}${ID_PROPERTY}`;
      const f = find(fields, name.replace(/^"(.*)"$/, '$1'), /^".*"$/.test(name));
      if (!f) throw unknown('orderByFields', name, fields);
      return `${descending ? '-' : ''}${f.property}`;
    })
    .join(',');
}

/** The field clients show as a feature's name: the style's label, else `nama`, else the first text field. */
export function displayField(fields: EsriField[], labelProperty: string | null): string {
  const label = fields.find((f) => f.property === labelProperty);
  const text = fields.filter((f) => f.type === 'string');
  return (label ?? text.find((f) => /^nama/i.test(f.property)) ?? text[0])?.name ?? OID_FIELD;
}
