import { createReadStream } from 'node:fs';
import { unreadable } from './problems.js';

/** What a source yields: parsed feature objects, unchecked, numbered in file order from 0. */
export type FeatureBatch = unknown[];

const MAX_SKELETON = 1024 * 1024;
const MAX_FEATURE_CHARS = 64 * 1024 * 1024;

/**
 * Reads a GeoJSON FeatureCollection from a file without holding it: a scanner walks the text,
 * hands each element of the top-level "features" array to JSON.parse on its own, and keeps the
 * rest of the document (the "skeleton", features replaced by []) to check its syntax and type at
 * the end. Memory is one chunk plus one feature.
 */
export async function* readFeatureCollection(file: string): AsyncGenerator<FeatureBatch> {
  const scanner = new FeatureCollectionScanner();
  let first = true;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1024 * 1024 })) {
    const text = first ? (chunk as string).replace(/^\uFEFF/, '') : (chunk as string);
    first = false;
    const batch = scanner.push(text);
    if (batch.length) yield batch;
  }
  scanner.end();
}

/** Newline-delimited GeoJSON (one Feature per line; RFC 8142 record separators are allowed). */
export async function* readNdjson(file: string): AsyncGenerator<FeatureBatch> {
  let rest = '';
  let line = 0;
  const parse = (text: string): unknown => {
    line += 1;
    const t = (text.charCodeAt(0) === 0x1e || text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).trim();
    if (!t) return undefined;
    try {
      return JSON.parse(t) as unknown;
    } catch (err) {
      throw unreadable('invalid_json', `Line ${line} is not valid JSON (${(err as Error).message}).`, { line });
    }
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1024 * 1024 })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop() ?? '';
    if (rest.length > MAX_FEATURE_CHARS)
      throw unreadable('feature_too_large', `Line ${line + 1} is longer than ${MAX_FEATURE_CHARS} characters.`, {
        line: line + 1,
      });
    const batch = [];
    for (const l of lines) {
      const v = parse(l);
      if (v !== undefined) batch.push(v);
    }
    if (batch.length) yield batch;
  }
  const last = parse(rest);
  if (last !== undefined) yield [last];
}

const enum Mode {
  Skeleton,
  Between,
  Element,
}

export class FeatureCollectionScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private mode = Mode.Skeleton;
  private skeleton = '';
  /** Parts of the feature being read, across chunks. */
  private element: string[] = [];
  private elementChars = 0;
  private afterElement = false;
  private count = 0;
  private seenFeatures = false;

  /** Feeds text; returns the elements completed in it. */
  push(text: string): unknown[] {
    const out: unknown[] = [];
    let segment = 0; // start of the part of `text` not yet copied to skeleton or element
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92)
          this.escaped = true; // backslash
        else if (c === 34) this.inString = false; // "
        continue;
      }
      if (this.mode === Mode.Skeleton) {
        if (c === 34) this.inString = true;
        else if (c === 123 || c === 91) {
          // { [
          if (c === 91 && this.depth === 1 && /"features"\s*:\s*$/.test(this.skeleton + text.slice(segment, i))) {
            this.skeleton += text.slice(segment, i + 1);
            segment = i + 1;
            this.mode = Mode.Between;
            this.seenFeatures = true;
            this.afterElement = false;
          }
          this.depth += 1;
        } else if (c === 125 || c === 93) this.depth -= 1;
        continue;
      }
      if (this.mode === Mode.Between) {
        if (c === 32 || c === 10 || c === 13 || c === 9) continue;
        if (c === 44) {
          // ,
          if (!this.afterElement) throw this.syntax('an element before ","');
          this.afterElement = false;
          continue;
        }
        if (c === 93) {
          // ] ends the features array
          if (!this.afterElement && this.count > 0) throw this.syntax('an element after ","');
          this.depth -= 1;
          this.mode = Mode.Skeleton;
          segment = i;
          continue;
        }
        if (this.afterElement) throw this.syntax('"," between features');
        if (c !== 123) {
          throw unreadable(
            'invalid_feature_collection',
            `Element ${this.count} of "features" is not a JSON object; every element must be a GeoJSON Feature.`,
            { feature: this.count },
          );
        }
        this.mode = Mode.Element;
        segment = i;
        this.element = [];
        this.elementChars = 0;
        this.depth += 1;
        continue;
      }
      // Mode.Element: inside one feature object
      if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth += 1;
      else if (c === 125 || c === 93) {
        this.depth -= 1;
        if (this.depth === 2) {
          out.push(this.finish(text.slice(segment, i + 1)));
          segment = i + 1;
        }
      }
    }
    this.carry(text, segment);
    return out;
  }

  /** Keeps the unfinished tail of a chunk for the next one. */
  private carry(text: string, segment: number): void {
    if (segment >= text.length) return;
    const tail = text.slice(segment);
    if (this.mode === Mode.Skeleton) {
      this.skeleton += tail;
      if (this.skeleton.length > MAX_SKELETON)
        throw unreadable('invalid_feature_collection', 'The document has more than 1 MB outside its "features" array.');
    } else if (this.mode === Mode.Element) {
      this.element.push(tail);
      this.elementChars += tail.length;
      if (this.elementChars > MAX_FEATURE_CHARS)
        throw unreadable('feature_too_large', `Feature ${this.count} is larger than ${MAX_FEATURE_CHARS} characters.`, {
          feature: this.count,
        });
    }
  }

  private finish(last: string): unknown {
    const text = this.element.length ? this.element.join('') + last : last;
    this.element = [];
    this.elementChars = 0;
    this.mode = Mode.Between;
    this.afterElement = true;
    const index = this.count++;
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw unreadable('invalid_json', `Feature ${index} is not valid JSON (${(err as Error).message}).`, {
        feature: index,
      });
    }
  }

  private syntax(expected: string): Error {
    return unreadable(
      'invalid_json',
      `The "features" array is malformed after feature ${this.count - 1}: expected ${expected}.`,
      { feature: this.count },
    );
  }

  /** Checks what came outside the features: one JSON object of type FeatureCollection. */
  end(): void {
    if (this.mode !== Mode.Skeleton || this.inString || this.depth !== 0) {
      throw unreadable(
        'invalid_json',
        `The file ends in the middle of the document (after ${this.count} complete features): it is truncated or malformed.`,
        { featuresRead: this.count },
      );
    }
    let doc: unknown;
    try {
      doc = JSON.parse(this.skeleton) as unknown;
    } catch (err) {
      throw unreadable('invalid_json', `The file is not valid JSON (${(err as Error).message}).`);
    }
    const type =
      doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as { type?: unknown }).type : undefined;
    if (type !== 'FeatureCollection' || !this.seenFeatures) {
      throw unreadable(
        'not_a_feature_collection',
        `Expected a GeoJSON FeatureCollection with a "features" array${typeof type === 'string' ? `, got type "${type}"` : ''}. ` +
          'For one feature per line, send newline-delimited GeoJSON (format=ndjson).',
        { type: type ?? null },
      );
    }
  }
}
