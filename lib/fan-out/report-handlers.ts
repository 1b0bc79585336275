import type { Context } from 'aws-lambda';
import { requireFanOutTable } from '../config.ts';
import { eventKindOf } from '../events.ts';
import { observed } from '../observed.ts';
import { answer, type FailureResult, failureResult, type HttpResponse } from '../results.ts';
import { asSendError } from '../unexpected.ts';
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
    let result: ReportResult | FailureResult;
    try {
      const { fanoutId, cursor } = readReportRequest(event, { withCursor });
      const page = await act(requireFanOutTable(), fanoutId, cursor);
      result = { ok: true, ...page };
    } catch (error) {
      result = failureResult(
        'send_group_msg',
        asSendError(error, 'Unexpected report failure'),
        undefined,
      );
    }
    return answer(eventKindOf(event), result);
  });

/** get-group-fanout: the report with a page of failures. */
const createGetFanOutHandler = () => reportHandler(readReportPage, true);

/** cancel-group-fanout: stops what the fan-out has not sent, answers with the report. */
const createCancelFanOutHandler = () =>
  reportHandler((table, fanoutId) => cancelFanOut(table, fanoutId), false);

export type { ReportResult };
export { createCancelFanOutHandler, createGetFanOutHandler };
