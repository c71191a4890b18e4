import { errorCodeTable } from '../server/http/error-codes.js';

/** npm run docs:errors: the README's table of error codes, from server/http/error-codes.ts. */
console.log(errorCodeTable());
