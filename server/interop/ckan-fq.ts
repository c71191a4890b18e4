import { AppError } from '../http/app-error.js';

/** What a CKAN `fq` asks for, in the terms our searches understand. */
export interface FqFilters {
  /** Any of these organizations (OR); an empty list matches nothing. */
  organizationIn?: string[];
  organizationNotIn: string[];
  groups?: string;
  tags?: string;
  modifiedFrom?: string;
  modifiedTo?: string;
}

const FIELDS = ['organization', 'groups', 'tags', 'metadata_modified', 'dataset_type', 'type', 'capacity'];

function invalid(fq: string, why: string): AppError {
  return new AppError(409, 'invalid_fq', `fq could not be read: ${why}.`, { parameter: 'fq', value: fq });
}

interface Term {
  negated: boolean;
  field: string;
  value: string;
}

/**
 * The Solr `fq` forms CKAN harvesters and clients send: `field:value` and `field:"quoted value"`
 * clauses (all must hold), `a OR b` between clauses of one field (parentheses allowed),
 * negation with `-`, and `metadata_modified:[2024-01-01T00:00:00Z TO *]` ranges. Fields:
 * organization, groups, tags, metadata_modified; `dataset_type:dataset` and `capacity:public`
 * hold for everything we publish.
 */
export function parseFq(fq: string): FqFilters {
  const tokens = fq.match(/\(|\)|"[^"]*"|\[[^\]]*\]|[^\s()"[\]]+(?:"[^"]*"|\[[^\]]*\])?/g) ?? [];
  const clauses: Term[][] = [];
  let joinNext = false;
  for (const token of tokens) {
    if (token === '(' || token === ')' || token === 'AND' || token === '&&') continue;
    if (token === 'OR' || token === '||') {
      if (clauses.length === 0) throw invalid(fq, 'OR needs a clause on each side');
      joinNext = true;
      continue;
    }
    const m = /^([+-]?)([a-z_]+):(.+)$/s.exec(token);
    if (!m) throw invalid(fq, `"${token.slice(0, 60)}" is not field:value`);
    const field = m[2] ?? '';
    if (!FIELDS.includes(field))
      throw invalid(fq, `the field "${field}" is not searchable here (use ${FIELDS.slice(0, 4).join(', ')})`);
    const raw = m[3] ?? '';
    const term = { negated: m[1] === '-', field, value: raw.startsWith('"') ? raw.slice(1, -1) : raw };
    const last = clauses.at(-1);
    if (joinNext && last) last.push(term);
    else clauses.push([term]);
    joinNext = false;
  }
  if (joinNext) throw invalid(fq, 'OR needs a clause on each side');
  const out: FqFilters = { organizationNotIn: [] };
  for (const clause of clauses) {
    const first = clause[0];
    if (!first) continue;
    if (clause.length > 1 && clause.some((t) => t.field !== first.field || t.negated))
      throw invalid(fq, 'OR joins clauses of one field, none negated');
    if (first.field === 'organization') {
      if (first.negated) {
        out.organizationNotIn.push(first.value);
        continue;
      }
      const values = clause.map((t) => t.value);
      out.organizationIn = out.organizationIn ? out.organizationIn.filter((v) => values.includes(v)) : values;
    } else if (first.field === 'groups' || first.field === 'tags') {
      if (first.negated || clause.length > 1) throw invalid(fq, `${first.field}: takes one value`);
      if (out[first.field] !== undefined && out[first.field] !== first.value) out.organizationIn = [];
      out[first.field] = first.value;
    } else if (first.field === 'metadata_modified') {
      const range = /^\[(\S+) TO (\S+)\]$/.exec(first.value);
      if (first.negated || clause.length > 1 || !range)
        throw invalid(fq, 'metadata_modified takes one [from TO to] range');
      const bound = (v: string) => {
        if (v === '*') return undefined;
        const t = Date.parse(v);
        if (!Number.isFinite(t)) throw invalid(fq, `"${v}" is not an ISO 8601 time`);
        return new Date(t).toISOString();
      };
      out.modifiedFrom = bound(range[1] ?? '*');
      out.modifiedTo = bound(range[2] ?? '*');
    } else {
      // dataset_type:dataset, type:dataset, capacity:public: true of every package here.
      const holds = ['dataset', 'public'].includes(first.value) !== first.negated;
      if (!holds) out.organizationIn = [];
    }
  }
  return out;
}
