/**
 * Helpers for the VirtualService check tests: objects from YAML, the Namespaces they live in, and the
 * findings of some codes on VirtualServices, as istioctl prints them.
 */
import { parseAllDocuments } from 'yaml';
import { AnalyzeOptions, Finding, MeshAnalyzer } from '../../lib';

/** The objects of a multi-document YAML string. */
export function docs(yaml: string): any[] {
  return parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o !== null && o !== undefined);
}

/** Namespace objects, so that no object is in a namespace nobody creates. */
export function namespaces(...names: string[]): any[] {
  return names.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
}

/** The findings with one of `codes` on VirtualServices. */
export function vsFindingObjects(objects: any[], codes: string[], options: AnalyzeOptions = {}): Finding[] {
  return MeshAnalyzer.analyze(objects, options).findings.filter((f) => codes.includes(f.code) && f.kind === 'VirtualService');
}

/** The findings with one of `codes` on VirtualServices, one printed line each. */
export function vsFindings(objects: any[], codes: string[], options: AnalyzeOptions = {}): string[] {
  return vsFindingObjects(objects, codes, options).map((f) => MeshAnalyzer.format([f]));
}
