export { track, TRACK_INPUT_ATTRIBUTE, TRACK_OUTPUT_ATTRIBUTE } from './track';
export type { TrackOptions } from './track';
