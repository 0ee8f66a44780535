import { asObject } from '../../genai/narrow';
import type { Json } from '../../genai/narrow';

/**
 * Bodies past this size are not read: model replies and stream chunks are far smaller; only
 * media (an image model's base64 images) comes near it, and carries no token counts.
 */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const decoder = new TextDecoder();

/**
 * The JSON object of an `InvokeModel` body or stream chunk: a string, or bytes (the SDK's
 * `Uint8Array` blob, a `Buffer`, any `ArrayBufferView` or `ArrayBuffer`). `undefined` when it is
 * none of those, too large, or no JSON object.
 */
export function jsonBody(body: unknown): Json | undefined {
  let text: string;
  if (typeof body === 'string') {
    if (body.length > MAX_BODY_BYTES) return undefined;
    text = body;
  } else if (ArrayBuffer.isView(body) || body instanceof ArrayBuffer) {
    if (body.byteLength > MAX_BODY_BYTES) return undefined;
    text = decoder.decode(body as Uint8Array);
  } else {
    return undefined;
  }
  try {
    return asObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}
