import * as z from 'zod/mini';

/** Building blocks shared by the command schemas. */

const UINT32_MAX = 4_294_967_295;

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

const uint32 = () => z.int().check(z.gte(0), z.lte(UINT32_MAX));
const nonNegativeInt = () => z.int().check(z.gte(0));
const text = () => z.string();
const requiredText = () => z.string().check(z.minLength(1, 'must not be empty'));

/** A string of 1 to `max` UTF-8 bytes (Tencent counts account and group IDs in bytes). */
const boundedId = (max: number) =>
  requiredText().check(
    z.refine((value) => byteLength(value) <= max, { message: `must be at most ${max} bytes` }),
  );

/** Tencent's UserIDs are at most 32 bytes. */
const account = () => boundedId(32);

/** A 0/1 flag, as Tencent's Integer switches are documented. */
const flag = () => z.union([z.literal(0), z.literal(1)]);

/** A 0/1 switch that Tencent also takes as the strings "0"/"1" (its own generated SDKs send those). */
const flagOrFlagText = () => z.union([z.literal(0), z.literal(1), z.literal('0'), z.literal('1')]);

/** An integer from `min` to `max`, both included. */
const intRange = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

/** A JSON object of the caller's own keys (template variables, vendor parameter maps). */
const jsonObject = () => z.record(z.string(), z.unknown());

/** Strings that must themselves be JSON text. */
const jsonText = () =>
  z.string().check(
    z.refine(
      (value) => {
        try {
          JSON.parse(value);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be JSON text' },
    ),
  );

/**
 * A part of a request built when a request first carries it: building zod schemas is most of what
 * they cost a cold start. For an optional field, wrap it in `z.optional` as usual.
 */
const deferred = <Schema extends z.ZodMiniType>(build: () => Schema) => {
  const schema = z.lazy(build);
  // zod's optional asks its inner schema's `optin` on every parse, even of an absent field, and a
  // lazy schema builds itself to answer. Ours are objects, neither optional nor defaulted: say so.
  Object.defineProperty(schema._zod, 'optin', { value: undefined, writable: true });
  return schema;
};

export {
  account,
  boundedId,
  byteLength,
  deferred,
  flag,
  flagOrFlagText,
  intRange,
  jsonObject,
  jsonText,
  nonNegativeInt,
  requiredText,
  text,
  UINT32_MAX,
  uint32,
};
