/**
 * The generated (L1) classes of Istio 1.30's CRDs, one submodule per API group: the escape hatch for
 * what the constructs do not model. In Node they are also published under the subpaths
 * `cdk8s-istio/l1/networking`, `/l1/security`, `/l1/telemetry` and `/l1/extensions`.
 */
export * as networking from '../../imports/networking.istio.io';
export * as security from '../../imports/security.istio.io';
export * as telemetry from '../../imports/telemetry.istio.io';
export * as extensions from '../../imports/extensions.istio.io';
