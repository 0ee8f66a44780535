import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_OPERATION_NAME,
  ATTR_PROVIDER_NAME,
  ATTR_REQUEST_MODEL,
  ATTR_RESPONSE_MODEL,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_TOKEN_TYPE,
  METRIC_OPERATION_DURATION,
  METRIC_TOKEN_USAGE,
  OPERATION_DURATION_BUCKETS,
  TOKEN_USAGE_BUCKETS,
} from './semconv';

/** What a finished call contributes to the GenAI client metrics. */
export interface CallMeasurement {
  operation: string;
  provider: string;
  requestModel: string | undefined;
  responseModel: string | undefined;
  serverAddress: string | undefined;
  serverPort: number | undefined;
  errorType: string | undefined;
  durationSeconds: number;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
}

/** The two GenAI client histograms, with the conventions' explicit bucket boundaries. */
export class GenAiMetrics {
  private readonly tokenUsage: Histogram;
  private readonly duration: Histogram;

  constructor(meter: Meter) {
    this.tokenUsage = meter.createHistogram(METRIC_TOKEN_USAGE, {
      description: 'Number of input and output tokens used',
      unit: '{token}',
      advice: { explicitBucketBoundaries: [...TOKEN_USAGE_BUCKETS] },
    });
    this.duration = meter.createHistogram(METRIC_OPERATION_DURATION, {
      description: 'GenAI operation duration',
      unit: 's',
      advice: { explicitBucketBoundaries: [...OPERATION_DURATION_BUCKETS] },
    });
  }

  record(m: CallMeasurement): void {
    const attributes: Attributes = {
      [ATTR_OPERATION_NAME]: m.operation,
      [ATTR_PROVIDER_NAME]: m.provider,
    };
    if (m.requestModel !== undefined) attributes[ATTR_REQUEST_MODEL] = m.requestModel;
    if (m.responseModel !== undefined) attributes[ATTR_RESPONSE_MODEL] = m.responseModel;
    if (m.serverAddress !== undefined) attributes[ATTR_SERVER_ADDRESS] = m.serverAddress;
    if (m.serverPort !== undefined) attributes[ATTR_SERVER_PORT] = m.serverPort;
    if (m.errorType !== undefined) {
      this.duration.record(m.durationSeconds, { ...attributes, [ATTR_ERROR_TYPE]: m.errorType });
      return;
    }
    this.duration.record(m.durationSeconds, attributes);
    if (m.inputTokens !== undefined) {
      this.tokenUsage.record(m.inputTokens, { ...attributes, [ATTR_TOKEN_TYPE]: 'input' });
    }
    if (m.outputTokens !== undefined) {
      this.tokenUsage.record(m.outputTokens, { ...attributes, [ATTR_TOKEN_TYPE]: 'output' });
    }
  }
}
