import * as z from 'zod/mini';
import { account, boundedId, flag, jsonText, requiredText, text, uint32 } from './fields.ts';
import { messageBody, offlinePushInfo } from './message-elements.ts';

/** Request bodies of the four commands, with Tencent's field names (contract section 3). */

const MAX_TO_ACCOUNTS = 50;

const groupAt = z
  .strictObject({
    GroupAtAllFlag: flag(),
    GroupAt_Account: z.optional(account()),
  })
  .check(
    z.superRefine((mention, context) => {
      if (mention.GroupAtAllFlag === 0 && mention.GroupAt_Account === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['GroupAt_Account'],
          message: 'is required when GroupAtAllFlag is 0',
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
    SendMsgControl: z.optional(z.array(z.enum(['NoLastMsg', 'NoUnread']))),
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

const sendBroadcastMsgRequest = z.strictObject({
  From_Account: z.optional(account()),
  Random: z.optional(uint32()),
  MsgBody: messageBody,
  CloudCustomData: z.optional(text()),
});

const sendTextMsgRequest = z.strictObject({
  RoomId: requiredText(),
  Sender_Account: account(),
  TextContent: text(),
  ExtensionInfo: z.optional(jsonText()),
});

const sendCustomMsgRequest = z.strictObject({
  RoomId: requiredText(),
  Sender_Account: z.optional(account()),
  BusinessId: requiredText(),
  // Tencent's English table says Integer; its sample and Chinese page send a string, as we must.
  Data: z.string({ error: 'expected string (Tencent takes Data as a string)' }),
});

type SendGroupMsgRequest = z.infer<typeof sendGroupMsgRequest>;
type SendBroadcastMsgRequest = z.infer<typeof sendBroadcastMsgRequest>;
type SendTextMsgRequest = z.infer<typeof sendTextMsgRequest>;
type SendCustomMsgRequest = z.infer<typeof sendCustomMsgRequest>;

export type {
  SendBroadcastMsgRequest,
  SendCustomMsgRequest,
  SendGroupMsgRequest,
  SendTextMsgRequest,
};
export {
  MAX_TO_ACCOUNTS,
  sendBroadcastMsgRequest,
  sendCustomMsgRequest,
  sendGroupMsgRequest,
  sendTextMsgRequest,
};
