import type * as z from 'zod/mini';
import { isRecord } from '../events.ts';
import { formatPath } from './issues.ts';

/**
 * Names the documented field an unknown one probably meant, read from the schemas themselves (no
 * list of known mistakes, so fields added to the schemas later are suggested too). Nothing here runs
 * until an unknown key is met: the cold start pays only for loading this module.
 */

type Schema = z.ZodMiniType;
type Key = string | number;

interface Def {
  type: string;
  shape?: Record<string, Schema>;
  element?: Schema;
  innerType?: Schema;
  options?: readonly Schema[];
  discriminator?: string;
  values?: readonly unknown[];
}

/** An object schema met on the way, with the path of the value it checks. */
interface Place {
  path: readonly Key[];
  shape: Record<string, Schema>;
}

const defOf = (schema: Schema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'readonly',
  'nonoptional',
]);

/** The schema inside wrappers and lazily built schemas (built here if they were not yet). */
const unwrap = (schema: Schema): Schema => {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'lazy')
      current = (current as unknown as { _zod: { innerType: Schema } })._zod.innerType;
    else if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else return current;
  }
};

/** The object schemas a value can be checked by: a discriminated union picks by the value. */
const objectShapes = (schema: Schema, value: unknown): Record<string, Schema>[] => {
  const def = defOf(unwrap(schema));
  if (def.type === 'object' && def.shape) return [def.shape];
  if (def.type !== 'union' || !def.options) return [];
  const all = def.options.flatMap((option) => objectShapes(option, undefined));
  const { discriminator } = def;
  if (discriminator === undefined || !isRecord(value)) return all;
  const chosen = all.filter((shape) => {
    const tag = shape[discriminator];
    return tag !== undefined && (defOf(unwrap(tag)).values ?? []).includes(value[discriminator]);
  });
  return chosen.length > 0 ? chosen : all;
};

/** Follows `path` through the schema and the value, noting every object schema on the way. */
const placesAlong = (root: Schema, input: unknown, path: readonly Key[]): Place[] => {
  const places: Place[] = [];
  let schemas = [root];
  let value = input;
  for (let depth = 0; depth <= path.length; depth += 1) {
    const shapes = schemas.flatMap((schema) => objectShapes(schema, value));
    const here = path.slice(0, depth);
    for (const shape of shapes) places.push({ path: here, shape });
    if (depth === path.length) break;
    const key = path[depth] as Key;
    schemas = schemas.flatMap((schema) => {
      const def = defOf(unwrap(schema));
      if (def.type === 'array' && def.element) return [def.element];
      return objectShapes(schema, value).flatMap((shape) =>
        typeof key === 'string' && shape[key] ? [shape[key]] : [],
      );
    });
    value = isRecord(value) || Array.isArray(value) ? (value as never)[key] : undefined;
  }
  return places;
};

/** The object schemas one object level below a field (arrays are looked through). */
const shapesBelow = (field: Schema): Record<string, Schema>[] => {
  const def = defOf(unwrap(field));
  return objectShapes(def.type === 'array' && def.element ? def.element : field, undefined);
};

/** Optimal string alignment distance (a swap of two neighbours counts one), in three rows. */
const editDistance = (a: string, b: string): number => {
  let before = new Uint16Array(b.length + 1);
  let above = new Uint16Array(b.length + 1);
  let row = new Uint16Array(b.length + 1);
  for (let j = 0; j <= b.length; j += 1) above[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const diagonal = (above[j - 1] as number) + cost;
      const side = Math.min(above[j] as number, row[j - 1] as number) + 1;
      let best = diagonal < side ? diagonal : side;
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (before[j - 2] as number) + 1);
      }
      row[j] = best;
    }
    [before, above, row] = [above, row, before];
  }
  return above[b.length] as number;
};

/** A word such as `Msg` or `Push_` that one name carries in front of or behind the other. */
const AFFIX = /^(?:[A-Z][a-z]+|[A-Z]+)_?$|^_?(?:[A-Z][a-z]+|[A-Z]+)$/;

const hasAffix = (unknown: string, known: string): boolean => {
  const [short, long] = unknown.length < known.length ? [unknown, known] : [known, unknown];
  if (short.length < 4) return false;
  const lowShort = short.toLowerCase();
  const lowLong = long.toLowerCase();
  if (lowLong.endsWith(lowShort)) return AFFIX.test(long.slice(0, long.length - short.length));
  if (lowLong.startsWith(lowShort)) return AFFIX.test(long.slice(short.length));
  return false;
};

/**
 * How closely `unknown` resembles `known`, lower is closer: another letter case, then one edit,
 * then a word added or left out in front or behind (`Msg…`), then two edits. Undefined: not at all.
 */
const resemblance = (unknown: string, known: string): number | undefined => {
  if (unknown.toLowerCase() === known.toLowerCase()) return 0;
  const shorter = Math.min(known.length, unknown.length);
  const distance =
    shorter < 3
      ? Number.POSITIVE_INFINITY
      : editDistance(unknown.toLowerCase(), known.toLowerCase());
  if (distance === 1) return 1;
  if (hasAffix(unknown, known)) return 2;
  if (distance === 2 && shorter >= 6) return 3;
  return undefined;
};

const closestField = (unknown: string, shapes: Record<string, Schema>[]): string | undefined => {
  let best: { name: string; score: number } | undefined;
  for (const name of shapes.flatMap((shape) => Object.keys(shape))) {
    const score = resemblance(unknown, name);
    if (score !== undefined && (best === undefined || score < best.score)) best = { name, score };
  }
  return best?.name;
};

/** The same name, in any letter case, among `shapes`. */
const sameName = (unknown: string, shapes: Record<string, Schema>[]): string | undefined =>
  shapes
    .flatMap((shape) => Object.keys(shape))
    .find((name) => name.toLowerCase() === unknown.toLowerCase());

/**
 * The documented field that `key`, found unknown in the object at `path` of `input`, probably
 * meant, as a path from the request's top; undefined when nothing resembles it.
 */
const suggestField = (
  schema: Schema,
  input: unknown,
  path: readonly Key[],
  key: string,
): string | undefined => {
  const places = placesAlong(schema, input, path);
  const here = places.filter((place) => place.path.length === path.length);
  const nearby = closestField(
    key,
    here.map((place) => place.shape),
  );
  if (nearby !== undefined) return formatPath([...path, nearby]);
  // One object level down: a field of an object this one holds.
  for (const place of here) {
    for (const [field, fieldSchema] of Object.entries(place.shape)) {
      const isArray = defOf(unwrap(fieldSchema)).type === 'array';
      const below = sameName(key, shapesBelow(fieldSchema));
      if (below !== undefined) {
        return formatPath([...path, field, ...(isArray ? ['[]'] : []), below]);
      }
    }
  }
  // Up: a field of an enclosing object, the nearest first.
  for (const place of [...places].reverse()) {
    if (place.path.length >= path.length) continue;
    const above = sameName(key, [place.shape]);
    if (above !== undefined) return formatPath([...place.path, above]);
  }
  return undefined;
};

export { editDistance, suggestField };
