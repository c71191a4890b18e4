import type { Knex } from 'knex';
import { actorName, mayWrite, requireWriter, type Caller } from '../auth/access.js';
import { CopyStaging } from '../db/copy-staging.js';
import type { Backend } from '../db/database.js';
import { AppError, notFound } from '../http/app-error.js';
import { ProblemList, unreadable } from '../ingest/problems.js';
import { computeDerived } from './derived-sql.js';
import { recordElementHistory } from './element-history-sql.js';
import type { Level } from './element-types.js';
import { refreshElementStats } from './element-write-sql.js';
import {
  checkRow,
  DistrictIndex,
  readHeader,
  type Column,
  type RowProblem,
  type TargetElement,
} from './value-check.js';
import { readCsv, readXlsx, type SourceRow, type ValuesFormat } from './value-sources.js';
import type { DecimalMark } from './value-text.js';
import {
  VALUE_ROWS,
  allDistricts,
  bumpVersions,
  deleteValuesOf,
  duplicateRows,
  loadableElements,
  lockElements,
  mergeValues,
  perCapitaOf,
  sumWarnings,
  type LoadableElement,
  type SumWarning,
} from './value-upload-sql.js';

export type ValuesMode = 'merge' | 'replace';

export interface ValuesUpload {
  file: string;
  format: ValuesFormat;
  /** merge: rows replace the values they name, others stay; replace: each element's values become the file's. */
  mode: ValuesMode;
  /** When given, every row must be a district of this level. */
  level?: Level | undefined;
  decimal: DecimalMark;
  /** Original file name, for the audit record. */
  name?: string | undefined;
}

export interface ValuesUploadResult {
  mode: ValuesMode;
  format: ValuesFormat;
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  elements: { id: string; previousVersion: number; dataVersion: number }[];
  /** Elements computed per 1,000 inhabitants of a loaded population element, recomputed. */
  recomputed: string[];
  warnings: { total: number; items: SumWarning[] };
  /** Where the time went: reading and checking the file, merging, element stats and versions, sum checks. */
  seconds: { read: number; write: number; stats: number; warnings: number; total: number };
}

const MAX_LISTED = 100;

/**
 * Loads values into data elements from CSV or XLSX: one transaction per file, every row checked
 * and staged first, nothing written unless every row passed (422 lists the problems by row and
 * column), then merged, with stats, data versions, recomputed per-capita elements and an audit
 * record per element.
 */
export class ElementValuesLoader {
  constructor(
    private readonly knex: Knex,
    private readonly backend: Backend,
    private readonly maxRows: number,
  ) {}

  /** 404 for an element the caller may not see, 401/403 for one it may not change, 409 for a computed one. */
  async authorize(caller: Caller, slug: string): Promise<LoadableElement> {
    const [element] = await loadableElements(this.knex, caller, slug);
    if (!element)
      throw notFound('element_not_found', `No data element with id "${slug}". Search them at /api/elements.`, {
        parameter: 'id',
        value: slug,
      });
    requireWriter(caller, element.agencyCode);
    if (element.derived)
      throw new AppError(409, 'element_not_loadable', refusalOfDerived(slug), { parameter: 'id', value: slug });
    return element;
  }

  /** Loads one file: into the element `slug`, or (slug null) into the elements its `elemen` column names. */
  async load(caller: Caller, slug: string | null, u: ValuesUpload): Promise<ValuesUploadResult> {
    const started = performance.now();
    const fixed = slug === null ? null : target(caller, await this.authorize(caller, slug));
    const bySlug =
      slug === null
        ? new Map((await loadableElements(this.knex, caller)).map((e) => [e.slug, target(caller, e)]))
        : new Map<string, TargetElement>();
    const districts = new DistrictIndex(await allDistricts(this.knex));
    return this.knex.transaction(async (trx) => {
      const staging = await CopyStaging.open(trx, this.backend, VALUE_ROWS);
      const problems = new ProblemList<RowProblem>(MAX_LISTED, {
        code: 'invalid_values',
        listedBy: 'row and column',
        first: (p) => `row ${p.row}${p.column ? `, column ${p.column}` : ''}: ${p.message}`,
      });
      let received = 0;
      const elementIds = new Set<number>();
      let read = 0;
      try {
        let cols: Column[] | null = null;
        const rows: AsyncGenerator<SourceRow> = u.format === 'xlsx' ? readXlsx(u.file) : readCsv(u.file);
        for await (const r of rows) {
          if (!cols) {
            cols = readHeader(r, slug === null);
            continue;
          }
          received += 1;
          if (received > this.maxRows) {
            throw new AppError(
              413,
              'too_many_rows',
              `The file has more than ${this.maxRows} rows, the most one upload takes (VALUES_MAX_ROWS). Split it and load the parts (mode=merge). Nothing was written.`,
              { limit: this.maxRows },
            );
          }
          const checked = checkRow(
            r,
            cols,
            { element: (s) => bySlug.get(s), fixed, districts, level: u.level, decimal: u.decimal },
            (p) => problems.add(p),
          );
          if (checked) elementIds.add(checked.elementId);
          if (checked && problems.total === 0)
            await staging.add([
              checked.row,
              checked.elementId,
              checked.level,
              checked.period,
              checked.districtCode,
              checked.value,
              checked.missingReason,
              checked.status,
              checked.footnote,
            ]);
        }
        if (received === 0)
          throw unreadable(
            'empty_file',
            cols
              ? 'The file has a header but no rows: nothing to load.'
              : 'The file is empty: send a header row and at least one row.',
          );
        problems.throwIfAny();
        await staging.finish();
      } catch (err) {
        staging.abort();
        throw err;
      }
      read = performance.now();
      const ids = [...elementIds].sort((a, b) => a - b);
      const before = await lockElements(trx, ids);
      const deleted = u.mode === 'replace' ? await deleteValuesOf(trx, ids) : 0;
      // Rows naming one key twice make the merge fail (a cardinality violation); only then is
      // the staged file searched for them, so a clean file is never grouped just to find none.
      let merged: { inserted: number; updated: number };
      try {
        merged = await trx.transaction((savepoint) => mergeValues(savepoint));
      } catch (err) {
        if ((err as { code?: string }).code !== '21000') throw err;
        await this.reportDuplicates(trx, problems, [...bySlug.values(), ...(fixed ? [fixed] : [])]);
        throw err;
      }
      const { inserted, updated } = merged;
      const written = performance.now();
      await refreshElementStats(trx, ids);
      const after = await bumpVersions(trx, ids);
      const slugs = new Map([...bySlug.values(), ...(fixed ? [fixed] : [])].map((e) => [e.id, e.slug]));
      const perCapita = (
        await perCapitaOf(
          trx,
          ids.map((id) => slugs.get(id) ?? ''),
        )
      ).filter((id) => !ids.includes(id));
      for (const id of perCapita) await computeDerived(trx, id);
      // computeDerived moves each one's data version on.
      await refreshElementStats(trx, perCapita);
      const counted = performance.now();
      const warnings = await sumWarnings(trx, MAX_LISTED);
      const actor = actorName(caller);
      await recordElementHistory(
        trx,
        ids.map((id) => ({
          elementId: id,
          actor,
          action: 'load_values' as const,
          details: {
            file: u.name ?? null,
            format: u.format,
            mode: u.mode,
            received,
            inserted,
            updated,
            deleted,
            warnings: warnings.items.filter((w) => w.element === slugs.get(id)).length,
          },
          previousVersion: before.get(id) ?? null,
          newVersion: after.get(id) ?? null,
        })),
      );
      const done = performance.now();
      return {
        mode: u.mode,
        format: u.format,
        received,
        inserted,
        updated,
        unchanged: u.mode === 'replace' ? 0 : received - inserted - updated,
        deleted,
        elements: ids.map((id) => ({
          id: slugs.get(id) ?? String(id),
          previousVersion: before.get(id) ?? 0,
          dataVersion: after.get(id) ?? 0,
        })),
        recomputed: await slugsOf(trx, perCapita),
        warnings,
        seconds: {
          read: round((read - started) / 1000),
          write: round((written - read) / 1000),
          stats: round((counted - written) / 1000),
          warnings: round((done - counted) / 1000),
          total: round((done - started) / 1000),
        },
      };
    });
  }

  /** Lists the rows that name one element, district and period twice, and throws the 422. */
  private async reportDuplicates(
    trx: Knex,
    problems: ProblemList<RowProblem>,
    targets: TargetElement[],
  ): Promise<void> {
    const dup = await duplicateRows(trx, MAX_LISTED);
    const slugOf = (id: number) => targets.find((e) => e.id === id)?.slug ?? String(id);
    for (const d of dup.items)
      problems.add({
        row: d.rows[1] ?? 0,
        column: null,
        code: 'duplicate_row',
        message: `Rows ${d.rows.join(', ')} all give ${slugOf(d.elementId)} for ${d.districtCode} in ${d.period}; keep one.`,
      });
    problems.addUnlisted('duplicate_row', dup.total - dup.items.length);
    problems.throwIfAny();
  }
}

function target(caller: Caller, e: LoadableElement): TargetElement {
  let refusal: string | null = null;
  if (e.derived) refusal = refusalOfDerived(e.slug);
  else if (!mayWrite(caller, e.agencyCode))
    refusal = `${e.slug} belongs to agency ${e.agencyCode}; this token may not load its values.`;
  return { id: e.id, slug: e.slug, measureType: e.measureType, frequency: e.frequency, refusal };
}

function refusalOfDerived(slug: string): string {
  return `${slug} is computed from layers; its values change when those layers do, not by upload.`;
}

async function slugsOf(knex: Knex, ids: number[]): Promise<string[]> {
  if (ids.length === 0) return [];
  return (await knex<{ slug: string }>('elements').whereIn('id', ids).orderBy('slug').select('slug')).map(
    (r) => r.slug,
  );
}

const round = (s: number) => Math.round(s * 1000) / 1000;
