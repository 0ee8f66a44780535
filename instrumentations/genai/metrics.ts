import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import type { GenAiCall } from './call';
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

/** What the GenAI client metrics read from a finished call. */
type MeasuredCall = Pick<
  GenAiCall,
  | 'operation'
  | 'provider'
  | 'requestModel'
  | 'serverAddress'
  | 'serverPort'
  | 'responseModel'
  | 'inputTokens'
  | 'outputTokens'
  | 'metricContext'
>;

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

  /**
   * Records a finished call: its duration, and its token counts when it succeeded. The call's
   * allowlisted context attributes come first, so the conventions' own attributes win.
   */
  record(call: MeasuredCall, errorType: string | undefined, durationSeconds: number): void {
    const attributes: Attributes =
      call.metricContext === undefined
        ? { [ATTR_OPERATION_NAME]: call.operation, [ATTR_PROVIDER_NAME]: call.provider }
        : {
            ...call.metricContext,
            [ATTR_OPERATION_NAME]: call.operation,
            [ATTR_PROVIDER_NAME]: call.provider,
          };
    if (call.requestModel !== undefined) attributes[ATTR_REQUEST_MODEL] = call.requestModel;
    if (call.responseModel !== undefined) attributes[ATTR_RESPONSE_MODEL] = call.responseModel;
    if (call.serverAddress !== undefined) attributes[ATTR_SERVER_ADDRESS] = call.serverAddress;
    if (call.serverPort !== undefined) attributes[ATTR_SERVER_PORT] = call.serverPort;
    if (errorType !== undefined) {
      this.duration.record(durationSeconds, { ...attributes, [ATTR_ERROR_TYPE]: errorType });
      return;
    }
    this.duration.record(durationSeconds, attributes);
    const { inputTokens, outputTokens } = call;
    if (inputTokens !== undefined) {
      this.tokenUsage.record(inputTokens, { ...attributes, [ATTR_TOKEN_TYPE]: 'input' });
    }
    if (outputTokens !== undefined) {
      this.tokenUsage.record(outputTokens, { ...attributes, [ATTR_TOKEN_TYPE]: 'output' });
    }
  }
}
