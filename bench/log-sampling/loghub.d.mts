// Types for loghub.mjs, so the TypeScript accuracy test can import the same helper the bench uses.

export declare const DATASETS: readonly string[];
export declare const REPO_ROOT: string;
export declare const FULL_DATA_DIR: string;
export declare const SAMPLE_DATA_DIR: string;
export declare const DEFAULT_DATA_DIR: string;

export interface LoghubDataset {
  name: string;
  contents: string[];
  templates: string[];
}

export interface AccuracyRow {
  name: string;
  lines: number;
  templates: number;
  accuracy: number;
}

export interface AccuracyResult {
  rows: AccuracyRow[];
  average: number;
}

export declare function parseCsv(text: string): string[][];
export declare function datasetFile(name: string, dataDir: string): string | null;
export declare function loadDataset(name: string, dataDir?: string): LoghubDataset;
export declare function loadAll(dataDir?: string): LoghubDataset[];
export declare function groupingAccuracy(
  predicted: readonly string[],
  truth: readonly string[],
): number;
export declare function evaluate(
  keyOf: (message: string) => string,
  datasets: readonly LoghubDataset[],
): AccuracyResult;
export declare function accuracyTable(result: AccuracyResult, label?: string): string;
