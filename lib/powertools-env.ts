import { Console } from 'node:console';

/**
 * The environment variables the logger and the metrics read as Powertools reads them (its
 * `commons` envUtils): values trimmed, flags true for 1, y, yes, t, true or on.
 */

const TRUTHY = new Set(['1', 'y', 'yes', 't', 'true', 'on']);

const envText = (name: string): string => process.env[name]?.trim() ?? '';
const envFlag = (name: string): boolean => TRUTHY.has(envText(name).toLowerCase());
const isDevMode = (): boolean => envFlag('POWERTOOLS_DEV');

/** This product's service name unless POWERTOOLS_SERVICE_NAME gives one (an empty one does not). */
const SERVICE_NAME = envText('POWERTOOLS_SERVICE_NAME') || 'tencent-chat-sender';

/** Not the global console, which Lambda's runtime rewrites; the global one in dev mode. */
const outputConsole = (dev: boolean): Console =>
  dev ? console : new Console({ stdout: process.stdout, stderr: process.stderr });

/** Lambda sets it for on-demand containers, the only ones whose first invocation is a cold start. */
const isOnDemand = (): boolean => envText('AWS_LAMBDA_INITIALIZATION_TYPE') === 'on-demand';

export { envFlag, envText, isDevMode, isOnDemand, outputConsole, SERVICE_NAME };
