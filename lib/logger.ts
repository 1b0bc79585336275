import type { Console } from 'node:console';
import type { Context } from 'aws-lambda';
import { envText, isDevMode, isOnDemand, outputConsole, SERVICE_NAME } from './powertools-env.ts';

/**
 * One logger per container, writing Powertools Logger's JSON lines (same keys, same order, same
 * levels and variables: POWERTOOLS_LOG_LEVEL or LOG_LEVEL, AWS_LAMBDA_LOG_LEVEL, POWERTOOLS_DEV,
 * POWERTOOLS_SERVICE_NAME, TZ, _X_AMZN_TRACE_ID).
 *
 * Written by hand rather than with @aws-lambda-powertools/logger because of what it cost where
 * it counts: its import and 18 KB of code (with its share of commons) were about 4 ms of every
 * cold start, and each line about 12 µs of CPU (attribute stores, a deep merge and a JSON
 * replacer called for every key), for the one line a send writes. What we do not use is left out:
 * log sampling, buffering, event logging, correlation IDs, custom formatters and the concurrent
 * invocation store of Lambda managed instances. test/lib/logger.test.ts pins the format.
 */

type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';
type LogAttributes = Record<string, unknown>;

const THRESHOLDS: Record<LogLevel, number> = {
  TRACE: 6,
  DEBUG: 8,
  INFO: 12,
  WARN: 16,
  ERROR: 20,
  CRITICAL: 24,
  SILENT: 28,
};

/** Keys Powertools reserves: an attribute of that name is dropped. */
const RESERVED = new Set(['level', 'message', 'sampling_rate', 'service', 'timestamp']);

const isLevel = (value: string): value is LogLevel => Object.hasOwn(THRESHOLDS, value);

interface LambdaFields {
  cold_start: boolean;
  function_arn: string | undefined;
  function_memory_size: string | undefined;
  function_name: string | undefined;
  function_request_id: string | undefined;
  tenant_id: string | undefined;
}

/** The X-Ray trace's Root, read per line: Lambda sets the variable anew for every invocation. */
const xRayTraceId = (): string | undefined => {
  const trace = envText('_X_AMZN_TRACE_ID');
  if (trace === '') return undefined;
  if (!trace.includes('=')) return trace;
  for (const part of trace.split(';')) {
    const [key, value] = part.split('=');
    if (key === 'Root') return value;
  }
  return undefined;
};

const codeLocation = (stack: string | undefined): string => {
  for (const line of stack?.split('\n') ?? []) {
    const match = /\(([^()]*?):(\d+?):(\d+?)\)\\?$/.exec(line);
    if (match) return `${match[1]}:${Number(match[2])}`;
  }
  return '';
};

const formatError = (error: Error): LogAttributes => {
  const { name, message, stack, cause } = error;
  const formatted: LogAttributes = {
    name,
    location: codeLocation(stack),
    message,
    stack: isDevMode() && typeof stack === 'string' ? stack.split('\n') : stack,
    cause: cause instanceof Error ? formatError(cause) : cause,
  };
  for (const key in error) {
    if (!['name', 'message', 'stack', 'cause'].includes(key)) {
      formatted[key] = (error as unknown as LogAttributes)[key];
    }
  }
  return formatted;
};

/** Powertools' JSON replacer, used only for a line that holds an Error, a bigint or a cycle. */
const replacer = () => {
  const ancestors: unknown[] = [];
  return function replace(this: unknown, _key: string, value: unknown): unknown {
    const replaced = value instanceof Error ? formatError(value) : value;
    if (typeof replaced === 'bigint') return replaced.toString();
    if (typeof replaced === 'object' && replaced !== null) {
      while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
      if (ancestors.includes(replaced)) return undefined;
      ancestors.push(replaced);
    }
    return replaced;
  };
};

const timestampFormatter = (timezone: string): ((date: Date) => string) => {
  if (timezone === '' || timezone.includes('UTC')) return (date) => date.toISOString();
  let zone = timezone;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    console.warn(`Invalid or unresolvable time zone: "${timezone}" - falling back to UTC.`);
    zone = 'UTC';
  }
  const twoDigits = '2-digit';
  const format = new Intl.DateTimeFormat('en', {
    hourCycle: 'h23',
    year: 'numeric',
    month: twoDigits,
    day: twoDigits,
    hour: twoDigits,
    minute: twoDigits,
    second: twoDigits,
    timeZone: zone,
  });
  return (date) => {
    const parts: Record<string, string> = {};
    for (const { type, value } of format.formatToParts(date)) parts[type] = value;
    const offset = zone === timezone ? -date.getTimezoneOffset() : 0;
    const hours = String(Math.abs(Math.floor(offset / 60))).padStart(2, '0');
    const minutes = String(Math.abs(offset % 60)).padStart(2, '0');
    const millis = String(date.getMilliseconds()).padStart(3, '0');
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${millis}${offset >= 0 ? '+' : '-'}${hours}:${minutes}`;
  };
};

/**
 * AWS_LAMBDA_LOG_LEVEL (advanced logging controls) wins over POWERTOOLS_LOG_LEVEL, as in
 * Powertools, which then warns (at WARN, so only when that level is shown).
 */
const initialLevel = (): { level: number; warning?: string } => {
  const configured = envText('POWERTOOLS_LOG_LEVEL') || envText('LOG_LEVEL');
  const lambdaLevel = envText('AWS_LAMBDA_LOG_LEVEL');
  const alc = lambdaLevel === 'FATAL' ? 'CRITICAL' : lambdaLevel;
  if (!isLevel(alc))
    return { level: isLevel(configured) ? THRESHOLDS[configured] : THRESHOLDS.INFO };
  if (isLevel(configured) && THRESHOLDS[alc] > THRESHOLDS[configured]) {
    return {
      level: THRESHOLDS[alc],
      warning: `Current log level (${configured}) does not match AWS Lambda Advanced Logging Controls minimum log level (${alc}). This can lead to data loss, consider adjusting them.`,
    };
  }
  return { level: THRESHOLDS[alc] };
};

class Logger {
  readonly #service: string;
  readonly #indent: number;
  readonly #console: Pick<Console, 'debug' | 'info' | 'warn' | 'error' | 'log'>;
  readonly #timestamp: (date: Date) => string;
  /** Only an on-demand container's first invocation is a cold start. */
  #coldStart = isOnDemand();
  #level = THRESHOLDS.INFO;
  #lambda: LambdaFields | undefined;

  constructor({ serviceName }: { serviceName: string }) {
    const dev = isDevMode();
    this.#service = serviceName;
    this.#indent = dev ? 4 : 0;
    this.#console = outputConsole(dev);
    this.#timestamp = timestampFormatter(envText('TZ'));
    const { level, warning } = initialLevel();
    this.#level = level;
    if (warning !== undefined) this.warn(warning);
  }

  /** The invocation's Lambda fields for every following line; the first call is the cold start. */
  addContext(context: Partial<Context> & { tenantId?: string }): void {
    this.#lambda = {
      cold_start: this.#coldStart,
      function_arn: context?.invokedFunctionArn,
      function_memory_size: context?.memoryLimitInMB,
      function_name: context?.functionName,
      function_request_id: context?.awsRequestId,
      tenant_id: context?.tenantId,
    };
    this.#coldStart = false;
  }

  debug(message: string, ...extra: unknown[]): void {
    this.#print('DEBUG', 'debug', message, extra);
  }
  info(message: string, ...extra: unknown[]): void {
    this.#print('INFO', 'info', message, extra);
  }
  warn(message: string, ...extra: unknown[]): void {
    this.#print('WARN', 'warn', message, extra);
  }
  error(message: string, ...extra: unknown[]): void {
    this.#print('ERROR', 'error', message, extra);
  }

  #print(
    level: LogLevel,
    method: 'log' | 'debug' | 'info' | 'warn' | 'error',
    message: string,
    extra: unknown[],
  ): void {
    if (THRESHOLDS[level] < this.#level) return;
    const lambda = this.#lambda;
    const line: LogAttributes = {
      level,
      message,
      timestamp: this.#timestamp(new Date()),
      service: this.#service,
      cold_start: lambda?.cold_start,
      function_arn: lambda?.function_arn,
      function_memory_size: lambda?.function_memory_size,
      function_name: lambda?.function_name,
      function_request_id: lambda?.function_request_id,
      sampling_rate: 0,
      xray_trace_id: xRayTraceId(),
      tenant_id: lambda?.tenant_id,
    };
    for (const item of extra) {
      if (item === undefined || item === null) continue;
      if (item instanceof Error) line.error = item;
      else if (typeof item === 'string') line.extra = item;
      else {
        for (const key in item as LogAttributes) {
          if (!RESERVED.has(key)) line[key] = (item as LogAttributes)[key];
        }
      }
    }
    // Powertools leaves out the top-level attributes that are undefined, null or empty.
    const kept: LogAttributes = {};
    let special = false;
    for (const key in line) {
      const value = line[key];
      if (value === undefined || value === null || value === '') continue;
      kept[key] = value;
      if (typeof value === 'bigint' || value instanceof Error) special = true;
    }
    let text: string;
    try {
      text = special
        ? JSON.stringify(kept, replacer(), this.#indent)
        : JSON.stringify(kept, null, this.#indent);
    } catch {
      // A nested bigint or a cycle: the replacer handles them.
      text = JSON.stringify(kept, replacer(), this.#indent);
    }
    this.#console[method](text);
  }
}

const logger = new Logger({
  serviceName: SERVICE_NAME,
});

const USERSIG_IN_TEXT = /usersig=[^&\s"']*/gi;

/** Defence in depth: any text headed for a log loses a UserSig it might carry. */
const redact = (text: string): string => text.replace(USERSIG_IN_TEXT, 'usersig=[REDACTED]');

export { Logger, logger, redact };
