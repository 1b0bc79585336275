import type { Context } from 'aws-lambda';
import { requireFanOutTable } from '../config.ts';
import { eventKindOf } from '../events.ts';
import { observed } from '../observed.ts';
import { answer, type HttpResponse } from '../results.ts';
import { answerErrors } from '../unexpected.ts';
import { cancelFanOut } from './cancel.ts';
import { type ReportPage, readReportPage } from './report-read.ts';
import { readReportRequest } from './report-request.ts';

/** What GET and DELETE answer (contract section 10). */
type ReportResult = { ok: true } & ReportPage;

type Act = (table: string, fanoutId: string, cursor: string | undefined) => Promise<ReportPage>;

const reportHandler = (act: Act, withCursor: boolean) =>
  observed(async function handle(
    event: unknown,
    _context: Context,
  ): Promise<ReportResult | HttpResponse> {
    const { fanoutId, cursor } = readReportRequest(event, { withCursor });
    const page = await act(requireFanOutTable(), fanoutId, cursor);
    return answer(eventKindOf(event), { ok: true, ...page });
  }).use(answerErrors({ command: 'send_group_msg', logMessage: 'Unexpected report failure' }));

/** get-group-fanout: the report with a page of failures. */
const createGetFanOutHandler = () => reportHandler(readReportPage, true);

/** cancel-group-fanout: stops what the fan-out has not sent, answers with the report. */
const createCancelFanOutHandler = () =>
  reportHandler((table, fanoutId) => cancelFanOut(table, fanoutId), false);

export type { ReportResult };
export { createCancelFanOutHandler, createGetFanOutHandler };
