/**
 * This product's names for its log lines and metrics, unless POWERTOOLS_SERVICE_NAME or
 * POWERTOOLS_METRICS_NAMESPACE give others. Read as Powertools reads them (trimmed); an empty
 * value keeps ours rather than Powertools' placeholders (`service_undefined`, `default_namespace`).
 */
const serviceName = (): string =>
  process.env.POWERTOOLS_SERVICE_NAME?.trim() || 'tencent-chat-sender';

const metricsNamespace = (): string =>
  process.env.POWERTOOLS_METRICS_NAMESPACE?.trim() || 'TencentChatSender';

export { metricsNamespace, serviceName };
