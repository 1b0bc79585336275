import * as z from 'zod/mini';
import { account, boundedId, flag, requiredText, text, uint32 } from './fields.ts';
import { messageBody } from './message-elements.ts';
import { offlinePushInfo } from './offline-push.ts';

/** The body of send_group_msg, with Tencent's field names (seed 004, reference B.2). */

const MAX_TO_ACCOUNTS = 50;

const groupAt = z
  .strictObject({
    // Tencent's SDK builders leave the flag out when they name an account (0 implied).
    GroupAtAllFlag: z.optional(flag()),
    GroupAt_Account: z.optional(account()),
  })
  .check(
    z.superRefine((mention, context) => {
      if (mention.GroupAtAllFlag !== 1 && mention.GroupAt_Account === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['GroupAt_Account'],
          message: 'is required unless GroupAtAllFlag is 1 (@all)',
          input: mention,
        });
      }
      if (mention.GroupAtAllFlag === 1 && mention.GroupAt_Account !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['GroupAt_Account'],
          message: 'must be absent when GroupAtAllFlag is 1 (@all)',
          input: mention,
        });
      }
    }),
  );

const sendGroupMsgRequest = z
  .strictObject({
    GroupId: boundedId(48),
    Random: z.optional(uint32()),
    MsgBody: messageBody,
    MsgPriority: z.optional(z.enum(['High', 'Normal', 'Low', 'Lowest'])),
    From_Account: z.optional(account()),
    OfflinePushInfo: z.optional(offlinePushInfo),
    ForbidCallbackControl: z.optional(
      z.array(z.enum(['ForbidBeforeSendMsgCallback', 'ForbidAfterSendMsgCallback'])),
    ),
    OnlineOnlyFlag: z.optional(flag()),
    // NoLastMsg and NoUnread on this command's page; the other two on Tencent's other REST pages.
    SendMsgControl: z.optional(
      z.array(z.enum(['NoLastMsg', 'NoUnread', 'WithMuteNotifications', 'NoMsgCheck'])),
    ),
    CloudCustomData: z.optional(text()),
    SupportMessageExtension: z.optional(flag()),
    NeedReadReceipt: z.optional(flag()),
    To_Account: z.optional(
      z
        .array(account())
        .check(
          z.minLength(1, 'must name at least one account'),
          z.maxLength(MAX_TO_ACCOUNTS, `must name at most ${MAX_TO_ACCOUNTS} accounts`),
        ),
    ),
    TopicId: z.optional(requiredText()),
    GroupAtInfo: z.optional(z.array(groupAt)),
  })
  .check(
    z.superRefine((request, context) => {
      if (request.OnlineOnlyFlag === 1 && request.SendMsgControl !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['SendMsgControl'],
          message: 'must be absent when OnlineOnlyFlag is 1',
          input: request,
        });
      }
    }),
  );

type SendGroupMsgRequest = z.infer<typeof sendGroupMsgRequest>;

export type { SendGroupMsgRequest };
export { MAX_TO_ACCOUNTS, sendGroupMsgRequest };
