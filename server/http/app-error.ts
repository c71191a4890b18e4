import type { ErrorCode } from './error-codes.js';

/**
 * The one error type that reaches clients. `code` is stable and documented; `message` is for a
 * person and says what to change; `details` names the offending parameter and values.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function badRequest(code: ErrorCode, message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError(400, code, message, details);
}

export function notFound(code: ErrorCode, message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError(404, code, message, details);
}

export function layerNotFound(id: string): AppError {
  return notFound('layer_not_found', `No layer with id "${id}". List layers at /api/layers.`, {
    parameter: 'id',
    value: id,
  });
}
