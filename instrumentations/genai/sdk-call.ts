import { context } from '@opentelemetry/api';
import type { GenAiCall } from './call';
import { reportInternal } from './safe';
import { isStainlessApiPromise, observeApiPromise } from './stainless-promise';

/**
 * Sends the SDK request in the call's context. A synchronous throw fails the call and reaches
 * the caller unchanged.
 */
export function sendInCall(call: GenAiCall, send: () => unknown): unknown {
  try {
    return context.with(call.context, send);
  } catch (error) {
    call.fail(error);
    throw error;
  }
}

/**
 * Ties the SDK method's return value to `call`: an `APIPromise` hands its parsed result to
 * `onResult`; anything else ends the call now. A failure of ours is reported and ends the call;
 * the caller's value is never touched.
 */
export function observeSdkResult(
  result: unknown,
  call: GenAiCall,
  onResult: (value: unknown) => void,
): void {
  try {
    if (isStainlessApiPromise(result)) {
      observeApiPromise(result, call, onResult);
    } else {
      call.end();
    }
  } catch (error) {
    reportInternal('observing a response', error);
    call.end();
  }
}
