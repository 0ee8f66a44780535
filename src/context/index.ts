export { withAttributes } from './with-attributes';
export { attributesMiddleware } from './middleware';
export type {
  ExpressAttributesMiddleware,
  FastifyAttributesHook,
  KoaAttributesMiddleware,
  SelectAttributes,
} from './middleware';
export { ContextAttributesSpanProcessor } from './span-processor';
export { ContextAttributesLogRecordProcessor } from './log-record-processor';
