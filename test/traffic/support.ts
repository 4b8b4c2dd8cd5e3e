/**
 * Helpers for the traffic tests: charts per environment, objects by kind and name, and the message
 * of an expected error.
 */
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

export type { Obj } from '../support/charts';
export { meshChart, synthValid, all, find as one, errorOf } from '../support/charts';

/** A reviews Deployment of `version` in the bookinfo namespace, pods labelled app=reviews + version. */
export function reviews(scope: Construct, version: string): kplus.Deployment {
  return new kplus.Deployment(scope, `reviews-${version}`, {
    metadata: { namespace: 'bookinfo' },
    podMetadata: { labels: { app: 'reviews', version } },
    containers: [{ image: `docker.io/istio/examples-bookinfo-reviews-${version}:1.20.2`, portNumber: 9080 }],
  });
}
