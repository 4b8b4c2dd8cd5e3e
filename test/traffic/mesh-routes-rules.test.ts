/**
 * The chart-wide IST0109 check with one VirtualService that spells a host twice.
 */
import { Duration } from 'cdk8s';
import * as net from '../../imports/networking.istio.io';
import { Environment, HostRoutes } from '../../lib';
import { all, meshChart, synthValid } from '../support/charts';

describe('IST0109 across the chart', () => {
  test('one VirtualService naming a host in two spellings does not conflict with itself', () => {
    // GIVEN a hand-written VirtualService for reviews, short and fully qualified
    const chart = meshChart(Environment.PROD);
    new net.VirtualService(chart, 'reviews-vs', {
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: { hosts: ['reviews', 'reviews.bookinfo.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews' } }] }] },
    });
    // WHEN a construct that turns on the chart-wide check routes another host
    new HostRoutes(chart, 'ratings', { host: 'ratings', namespace: 'bookinfo', routes: [{ timeout: Duration.seconds(2) }] });
    // THEN
    expect(all(synthValid(chart), 'VirtualService').map((o) => o.metadata.name).sort()).toStrictEqual(['ratings', 'reviews']);
  });
});
