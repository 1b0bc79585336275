import { createHash } from 'node:crypto';
import { invalidParameter, SqsError } from './errors.ts';

/**
 * A message as the stand-in keeps it, and what SQS checks of a message on the way in: body
 * characters, attribute names and types, the size limit, and the MD5 digests SQS returns (the SDK
 * verifies the body's; the attributes' follows the algorithm in the SQS developer guide).
 */

interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64, as the JSON protocol carries blobs. */
  BinaryValue?: string;
}

type MessageAttributes = Record<string, MessageAttributeValue>;

interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes: MessageAttributes;
  md5OfMessageAttributes: string | undefined;
  senderId: string;
  sentTimestamp: number;
  firstReceiveTimestamp: number | undefined;
  receiveCount: number;
  /** Not visible before this instant (delay or visibility timeout), in ms of the stand-in's clock. */
  visibleAt: number;
  /** The latest receipt handle, the only one that changes its visibility. */
  receiptHandle: string | undefined;
  deadLetterSourceArn?: string;
}

const md5 = (data: string | Buffer): string => createHash('md5').update(data).digest('hex');

// XML 1.0 characters, which are all SQS accepts in a body or a string attribute.
const ALLOWED_CHARACTERS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)(?!aws\.|amazon\.)[\w.-]{1,256}$/i;
const DATA_TYPE = /^(String|Number|Binary)(\.[\w.-]{1,250})?$/;

const lengthPrefixed = (bytes: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

/** MD5 of message attributes: name, type, transport byte and value, each length-prefixed, sorted by name. */
const md5OfAttributes = (attributes: MessageAttributes): string | undefined => {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const parts = names.flatMap((name) => {
    const value = attributes[name] as MessageAttributeValue;
    const binary = value.DataType.startsWith('Binary');
    return [
      lengthPrefixed(Buffer.from(name, 'utf8')),
      lengthPrefixed(Buffer.from(value.DataType, 'utf8')),
      Buffer.from([binary ? 2 : 1]),
      lengthPrefixed(
        binary
          ? Buffer.from(value.BinaryValue ?? '', 'base64')
          : Buffer.from(value.StringValue ?? '', 'utf8'),
      ),
    ];
  });
  return md5(Buffer.concat(parts));
};

const checkBody = (body: unknown): string => {
  if (typeof body !== 'string' || body.length === 0) {
    throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
  }
  if (!ALLOWED_CHARACTERS.test(body)) {
    throw new SqsError(
      'InvalidMessageContents',
      'Invalid binary character in the message body; see the allowed characters in the SQS docs.',
    );
  }
  return body;
};

const checkAttributes = (input: unknown): MessageAttributes => {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object') throw invalidParameter('MessageAttributes', input, 'not a map');
  const entries = Object.entries(input as Record<string, Partial<MessageAttributeValue>>);
  if (entries.length > 10) {
    throw invalidParameter('MessageAttributes', entries.length, 'at most 10 attributes');
  }
  const checked: MessageAttributes = {};
  for (const [name, value] of entries) {
    if (!ATTRIBUTE_NAME.test(name)) {
      throw new SqsError('InvalidParameterValue', `Message attribute name '${name}' is invalid.`);
    }
    const dataType = value?.DataType;
    if (typeof dataType !== 'string' || !DATA_TYPE.test(dataType)) {
      throw new SqsError(
        'InvalidParameterValue',
        `The message attribute '${name}' has an invalid message attribute type: ${String(dataType)}.`,
      );
    }
    const binary = dataType.startsWith('Binary');
    const raw = binary ? value.BinaryValue : value.StringValue;
    if (typeof raw !== 'string' || raw.length === 0) {
      throw new SqsError(
        'InvalidParameterValue',
        `The message attribute '${name}' must contain a non-empty ${binary ? 'BinaryValue' : 'StringValue'}.`,
      );
    }
    if (dataType.startsWith('Number') && !Number.isFinite(Number(raw))) {
      throw new SqsError(
        'InvalidParameterValue',
        `Can't cast the value of message attribute '${name}' to a number.`,
      );
    }
    if (!binary && !ALLOWED_CHARACTERS.test(raw)) {
      throw new SqsError(
        'InvalidMessageContents',
        `Invalid character in message attribute '${name}'.`,
      );
    }
    checked[name] = binary
      ? { DataType: dataType, BinaryValue: raw }
      : { DataType: dataType, StringValue: raw };
  }
  return checked;
};

/**
 * Bytes SQS counts against MaximumMessageSize: the body plus every attribute's name, type and
 * value. Tolerates unchecked attributes, since a batch's total is counted before its entries are.
 */
const messageSize = (body: string, attributes: MessageAttributes): number =>
  Buffer.byteLength(body, 'utf8') +
  Object.entries(attributes ?? {}).reduce((sum, [name, value]) => {
    const binary = value?.BinaryValue;
    const valueBytes =
      typeof binary === 'string'
        ? Buffer.from(binary, 'base64').length
        : Buffer.byteLength(String(value?.StringValue ?? ''));
    return (
      sum + Buffer.byteLength(name) + Buffer.byteLength(String(value?.DataType ?? '')) + valueBytes
    );
  }, 0);

export type { MessageAttributes, MessageAttributeValue, StoredMessage };
export { checkAttributes, checkBody, md5, md5OfAttributes, messageSize };
