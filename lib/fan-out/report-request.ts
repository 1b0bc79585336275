import { type FieldProblem, InvalidRequestError } from '../errors.ts';
import { type EventKind, eventKindOf, isRecord } from '../events.ts';

/** What GET and DELETE /v1/group-fanouts/{fanoutId} (or their direct invokes) ask about. */
interface ReportRequest {
  kind: EventKind;
  fanoutId: string;
  cursor: string | undefined;
}

const text = (value: unknown, path: string, problems: FieldProblem[]): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push({ path, message: 'must be a non-empty string' });
    return undefined;
  }
  return value;
};

/**
 * Reads the fan-out's ID (path parameter, or `fanoutId` of a direct invoke) and, where `withCursor`,
 * the failures page cursor (`?cursor=`, or `cursor`). Throws InvalidRequestError naming the field.
 */
const readReportRequest = (
  event: unknown,
  { withCursor }: { withCursor: boolean },
): ReportRequest => {
  const kind = eventKindOf(event);
  const problems: FieldProblem[] = [];
  if (!isRecord(event)) throw new InvalidRequestError([{ path: '', message: 'expected object' }]);
  let fanoutId: string | undefined;
  let cursor: string | undefined;
  if (kind === 'http') {
    const path = isRecord(event.pathParameters) ? event.pathParameters : {};
    const query = isRecord(event.queryStringParameters) ? event.queryStringParameters : {};
    fanoutId = text(path.fanoutId, 'fanoutId', problems);
    if (withCursor) cursor = text(query.cursor, 'cursor', problems);
  } else {
    const allowed = withCursor ? ['fanoutId', 'cursor'] : ['fanoutId'];
    for (const key of Object.keys(event).filter((key) => !allowed.includes(key))) {
      problems.push({ path: key, message: `is not a field here (${allowed.join(', ')})` });
    }
    fanoutId = text(event.fanoutId, 'fanoutId', problems);
    if (withCursor) cursor = text(event.cursor, 'cursor', problems);
  }
  if (fanoutId === undefined && !problems.some((problem) => problem.path === 'fanoutId')) {
    problems.push({ path: 'fanoutId', message: 'is required' });
  }
  if (problems.length > 0 || fanoutId === undefined) throw new InvalidRequestError(problems);
  return { kind, fanoutId, cursor };
};

export type { ReportRequest };
export { readReportRequest };
