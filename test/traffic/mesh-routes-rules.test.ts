/**
 * IST0109 (the analyzer's) with one VirtualService that spells a host twice.
 */
import { Duration } from 'cdk8s';
import * as net from '../../imports/networking.istio.io';
import { Environment, HostRoutes } from '../../lib';
import { all, findingsOf, meshChart, synthValid } from '../support/charts';

describe('IST0109 across the chart (analyzer)', () => {
  test('one VirtualService naming a host in two spellings does not conflict with itself', () => {
    // GIVEN a hand-written VirtualService for reviews, short and fully qualified
    const chart = meshChart(Environment.PROD);
    new net.VirtualService(chart, 'reviews-vs', {
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: { hosts: ['reviews', 'reviews.bookinfo.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews' } }] }] },
    });
    // WHEN a construct routes another host
    new HostRoutes(chart, 'ratings', { host: 'ratings', namespace: 'bookinfo', routes: [{ timeout: Duration.seconds(2) }] });
    // THEN both are written and the analyzer finds no conflict
    expect(all(synthValid(chart), 'VirtualService').map((o) => o.metadata.name).sort()).toStrictEqual(['ratings', 'reviews']);
    expect(findingsOf(chart, 'IST0109')).toStrictEqual([]);
  });
});
