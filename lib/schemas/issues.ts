import type { core } from 'zod/mini';
import type { FieldProblem } from '../errors.ts';

/**
 * Turns zod issues into field paths and plain reasons. zod/mini ships no messages (its English
 * locale would add 11 KB to every bundle), so the few issue kinds our schemas raise are worded here.
 */

/** `a.b[0].c`; the key `[]` stands for any item of an array (`a[].c`, in suggestions). */
const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    if (key === '[]') return `${text}[]`;
    return text === '' ? String(key) : `${text}.${String(key)}`;
  }, '');

const list = (values: readonly unknown[]): string =>
  values.map((value) => JSON.stringify(value)).join(', ');

const bound = (issue: core.$ZodIssueTooBig | core.$ZodIssueTooSmall, limit: string): string => {
  const value = 'maximum' in issue ? issue.maximum : issue.minimum;
  if (issue.origin === 'array') return `must have ${limit} ${value} items`;
  if (issue.origin === 'string') return `must have ${limit} ${value} characters`;
  return `must be ${limit} ${value}`;
};

const reasonFor = (issue: core.$ZodIssue): string => {
  // Messages set in the schemas (refinements, custom errors) are already worded for callers.
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `expected ${issue.expected}`;
    case 'too_big':
      return bound(issue, issue.inclusive === false ? 'less than' : 'at most');
    case 'too_small':
      return bound(issue, issue.inclusive === false ? 'more than' : 'at least');
    case 'invalid_value':
      return `must be one of ${list(issue.values)}`;
    case 'invalid_union': {
      if ('options' in issue && Array.isArray(issue.options)) {
        return `must be one of ${list(issue.options)}`;
      }
      // A union of literals (0/1 switches, "0"/"1" strings) names its values.
      const values = issue.errors
        .flat()
        .flatMap((inner) => (inner.code === 'invalid_value' ? inner.values : [undefined]));
      return values.length > 0 && !values.includes(undefined)
        ? `must be one of ${list(values)}`
        : 'matches none of the allowed forms';
    }
    default:
      return 'is invalid';
  }
};

/** Words the reason for a key the schema does not know, given the path of its object. */
type UnknownKeyReason = (path: readonly PropertyKey[], key: string) => string;

const toFieldProblems = (
  issues: readonly core.$ZodIssue[],
  unknownKeyReason: UnknownKeyReason = () => 'is not a field of this command',
): FieldProblem[] =>
  issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: unknownKeyReason(issue.path, key),
      }));
    }
    return [{ path: formatPath(issue.path), message: reasonFor(issue) }];
  });

export type { UnknownKeyReason };
export { formatPath, toFieldProblems };
