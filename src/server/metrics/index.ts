export { GatewayMetrics } from './gateway-metrics.ts';
export { isLoopbackAddress, metricsCallerAllowed, type MetricsCaller } from './metrics-access.ts';
export { DEFAULT_METRICS_CONFIG, loadMetricsConfig, METRICS_TOKEN_MIN_LENGTH, type MetricsConfig } from './metrics-config.ts';
export { metricsRoutes } from './metrics-routes.ts';
export { acquireProcessMetrics, type ProcessMetrics } from './process-metrics.ts';
