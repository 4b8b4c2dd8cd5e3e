/**
 * The offline analyzer: cross-object checks over synthesized (or hand-written) Kubernetes objects.
 */
export { MeshAnalyzer } from './analyzer';
export type { AnalyzeOptions } from './analyzer';
export { ExternalResources } from './external';
export type { ExternalResourcesProps, ExistingObject, ExistingService, ExistingWorkload } from './external';
export { FindingLevel } from './types';
export type { Finding, CheckInfo, KindCount, AnalysisReport } from './types';
