import { AppError } from '../http/app-error.js';
import type { ErrorCode } from '../http/error-codes.js';

/** One thing wrong with an upload: which feature (0-based, in file order), which field, what kind. */
export interface Problem {
  feature: number | null;
  field: string | null;
  code: string;
  message: string;
}

/** Problems of one upload: the first `max` kept in full, all of them counted. */
export class ProblemList {
  readonly items: Problem[] = [];
  total = 0;
  readonly byCode = new Map<string, number>();

  constructor(private readonly max: number) {}

  add(p: Problem): void {
    this.total += 1;
    this.byCode.set(p.code, (this.byCode.get(p.code) ?? 0) + 1);
    if (this.items.length < this.max) this.items.push(p);
  }

  /** Counts problems of one kind beyond those listed. */
  addUnlisted(code: string, n: number): void {
    if (n <= 0) return;
    this.total += n;
    this.byCode.set(code, (this.byCode.get(code) ?? 0) + n);
  }

  /** 422 with the list, or nothing when the upload is clean. */
  throwIfAny(): void {
    if (this.total === 0) return;
    const kinds = [...this.byCode].map(([code, n]) => `${n} × ${code}`).join(', ');
    throw new AppError(
      422,
      'invalid_features',
      `The upload was rejected and nothing was written: ${this.total} problem(s) (${kinds}). ` +
        `The first ${this.items.length} are listed by feature index and field; fix them and upload again.`,
      {
        totalProblems: this.total,
        problemsByCode: Object.fromEntries(this.byCode),
        problems: this.items,
        truncated: this.total > this.items.length,
      },
    );
  }
}

/** An upload that cannot be read at all (not JSON, a broken zip, …): 400 with a stable code. */
export function unreadable(code: ErrorCode, message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError(400, code, `${message} Nothing was written.`, details);
}
