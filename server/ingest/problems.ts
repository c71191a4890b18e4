import { AppError } from '../http/app-error.js';
import type { ErrorCode } from '../http/error-codes.js';

/** One thing wrong with an upload: which feature (0-based, in file order), which field, what kind. */
export interface Problem {
  feature: number | null;
  field: string | null;
  code: string;
  message: string;
}

/** How a list of problems is reported: its error code, and how its items are located. */
export interface ProblemReport<P> {
  code: ErrorCode;
  /** "feature index and field", "row and column". */
  listedBy: string;
  /** The first problem in words, leading the message (a person reads one, fixes it, reads the next). */
  first?: (p: P) => string;
}

const FEATURES: ProblemReport<Problem> = { code: 'invalid_features', listedBy: 'feature index and field' };

/** Problems of one upload: the first `max` kept in full, all of them counted. */
export class ProblemList<P extends { code: string } = Problem> {
  readonly items: P[] = [];
  total = 0;
  readonly byCode = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly report: ProblemReport<P> = FEATURES as unknown as ProblemReport<P>,
  ) {}

  add(p: P): void {
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
    const first = this.items[0] && this.report.first ? `First: ${this.report.first(this.items[0])} ` : '';
    throw new AppError(
      422,
      this.report.code,
      `The upload was rejected and nothing was written: ${this.total} problem(s) (${kinds}). ${first}` +
        `The first ${this.items.length} are listed by ${this.report.listedBy}; fix them and upload again.`,
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
