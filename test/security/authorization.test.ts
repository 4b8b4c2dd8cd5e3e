import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as kplus33 from 'cdk8s-plus-33';
import {
  AllowFromProps, Authorization, AuthorizationAction, AuthorizationPolicy, AuthorizationRule, ConditionKey, HttpMethod, PolicyTargetRef, Principal, WorkloadSelector,
} from '../../lib';
import { findingsOf } from '../support/charts';
import { expectValidManifests } from '../support/validate';
import { errorOf, find, Obj, prodChart, synthError } from './support';

const productpage = WorkloadSelector.labels({ app: 'productpage' });

function policyError(rules: AuthorizationRule[], action = AuthorizationAction.ALLOW): string {
  return errorOf(() => new AuthorizationPolicy(prodChart(), 'p', { namespace: 'bookinfo', selector: productpage, action, rules }));
}

describe('AuthorizationPolicy output', () => {
  test('denyAll is an explicit allow-nothing policy: spec {} in the namespace', () => {
    const chart = prodChart();
    AuthorizationPolicy.denyAll(chart, 'deny-all', { namespace: 'bookinfo' });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'AuthorizationPolicy', 'allow-nothing')).toStrictEqual({
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing', namespace: 'bookinfo' }, spec: {},
    });
  });

  test('allowAll is rules: [{}]', () => {
    const chart = prodChart();
    new AuthorizationPolicy(chart, 'open', { namespace: 'sandbox', preset: Authorization.allowAll() });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'AuthorizationPolicy', 'open').spec).toStrictEqual({ rules: [{}] });
  });

  test('every source, operation and condition field, in L1 shape', () => {
    const chart = prodChart();
    const policy = new AuthorizationPolicy(chart, 'full', {
      namespace: 'bookinfo',
      selector: productpage,
      action: AuthorizationAction.AUDIT,
    });
    policy.addRule({
      from: [{
        principals: [Principal.pattern('cluster.local/ns/istio-ingress/sa/*')], notPrincipals: [Principal.pattern('cluster.local/ns/evil/sa/x')],
        namespaces: ['istio-ingress'], notNamespaces: ['team-*'],
        ipBlocks: ['10.0.0.0/16'], notIpBlocks: ['10.0.9.9'], remoteIpBlocks: ['203.0.113.0/24'], notRemoteIpBlocks: ['2001:db8::/64'],
      }, { requestPrincipals: ['https://auth.example.com/*'], notRequestPrincipals: ['https://auth.example.com/banned'] }],
      to: [{ methods: [HttpMethod.GET], notMethods: [HttpMethod.DELETE], paths: ['/api/{*}/reviews', '/static/*'], notPaths: ['*.php'], ports: [9080], notPorts: [15000], hosts: ['bookinfo.example.com', 'bookinfo.example.com:8080', 'api.*'], notHosts: ['*.internal', '*internal.example.com'] }],
      when: [
        { key: ConditionKey.claim('groups'), values: ['admins'] },
        { key: ConditionKey.header('x-tenant'), notValues: ['blocked'] },
        { key: ConditionKey.SOURCE_IP, values: ['192.168.0.0/16'] },
        { key: ConditionKey.DESTINATION_PORT, values: ['9080'] },
      ],
    });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'AuthorizationPolicy', 'full', 'bookinfo').spec).toStrictEqual({
      selector: { matchLabels: { app: 'productpage' } },
      action: 'AUDIT',
      rules: [{
        from: [{
          source: {
            principals: ['cluster.local/ns/istio-ingress/sa/*'], notPrincipals: ['cluster.local/ns/evil/sa/x'],
            namespaces: ['istio-ingress'], notNamespaces: ['team-*'],
            ipBlocks: ['10.0.0.0/16'], notIpBlocks: ['10.0.9.9'], remoteIpBlocks: ['203.0.113.0/24'], notRemoteIpBlocks: ['2001:db8::/64'],
          },
        }, { source: { requestPrincipals: ['https://auth.example.com/*'], notRequestPrincipals: ['https://auth.example.com/banned'] } }],
        to: [{
          operation: {
            methods: ['GET'], notMethods: ['DELETE'], paths: ['/api/{*}/reviews', '/static/*'], notPaths: ['*.php'], ports: ['9080'], notPorts: ['15000'],
            hosts: ['bookinfo.example.com', 'bookinfo.example.com:8080', 'api.*'], notHosts: ['*.internal', '*internal.example.com'],
          },
        }],
        when: [
          { key: 'request.auth.claims[groups]', values: ['admins'] },
          { key: 'request.headers[x-tenant]', notValues: ['blocked'] },
          { key: 'source.ip', values: ['192.168.0.0/16'] },
          { key: 'destination.port', values: ['9080'] },
        ],
      }],
    });
  });

  test('targetRefs render with the right groups', () => {
    const chart = prodChart();
    new AuthorizationPolicy(chart, 'waypoint', {
      namespace: 'bookinfo',
      targetRefs: [PolicyTargetRef.service('reviews'), PolicyTargetRef.gateway('bookinfo-gw'), PolicyTargetRef.serviceEntry('api')],
      rules: [{ from: [{ namespaces: ['bookinfo'] }] }],
    });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'AuthorizationPolicy', 'waypoint').spec.targetRefs).toStrictEqual([
      { group: '', kind: 'Service', name: 'reviews' },
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'bookinfo-gw' },
      { group: 'networking.istio.io', kind: 'ServiceEntry', name: 'api' },
    ]);
  });

  test('CUSTOM with a provider', () => {
    const chart = prodChart();
    new AuthorizationPolicy(chart, 'ext', {
      namespace: 'bookinfo', selector: productpage, action: AuthorizationAction.CUSTOM, provider: 'ext-authz',
      rules: [{ to: [{ paths: ['/admin/*'] }] }],
    });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'AuthorizationPolicy', 'ext').spec).toMatchObject({ action: 'CUSTOM', provider: { name: 'ext-authz' } });
  });
});

describe('allowFrom and SPIFFE principals', () => {
  test('derives principals from a kplus ServiceAccount and a workload, and the selector from the target workload', () => {
    // GIVEN
    const chart = prodChart();
    const productpageSa = new kplus.ServiceAccount(chart, 'productpage-sa', { metadata: { name: 'bookinfo-productpage', namespace: 'bookinfo' } });
    const ingressSa = kplus.ServiceAccount.fromServiceAccountName(chart, 'ingress-sa', 'istio-ingressgateway', { namespaceName: 'istio-ingress' });
    const frontend = new kplus.Deployment(chart, 'frontend', {
      metadata: { namespace: 'web' }, serviceAccount: new kplus.ServiceAccount(chart, 'frontend-sa', { metadata: { name: 'frontend', namespace: 'web' } }),
      containers: [{ image: 'frontend:1' }],
    });
    const reviews = new kplus.Deployment(chart, 'reviews', { metadata: { namespace: 'bookinfo' }, containers: [{ image: 'reviews:1', portNumber: 9080 }] });
    // WHEN
    AuthorizationPolicy.allowFrom(chart, 'reviews-from-productpage', {
      from: [productpageSa, ingressSa, frontend], to: WorkloadSelector.fromWorkload(reviews), methods: [HttpMethod.GET], paths: ['/reviews/*'], ports: [9080],
    });
    // THEN
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    const policy = find(objects, 'AuthorizationPolicy', 'reviews-from-productpage');
    expect(policy.metadata.namespace).toBe('bookinfo');
    expect(policy.spec).toStrictEqual({
      selector: { matchLabels: reviews.matchLabels },
      action: 'ALLOW',
      rules: [{
        from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage', 'cluster.local/ns/istio-ingress/sa/istio-ingressgateway', 'cluster.local/ns/web/sa/frontend'] } }],
        to: [{ operation: { methods: ['GET'], paths: ['/reviews/*'], ports: ['9080'] } }],
      }],
    });
  });

  test('callers of cdk8s-plus-33 and cdk8s-plus-27 (ServiceAccounts and workloads) and Principals, to a cdk8s-plus-33 workload', () => {
    // GIVEN objects written with cdk8s-plus-33 (what `cdk8s init` installs) next to cdk8s-plus-27 ones
    const chart = prodChart();
    const webSa = new kplus33.ServiceAccount(chart, 'web-sa', { metadata: { name: 'web', namespace: 'front' } });
    const batch = new kplus33.Job(chart, 'batch', {
      containers: [{ image: 'batch:1' }], serviceAccount: kplus33.ServiceAccount.fromServiceAccountName(chart, 'batch-sa', 'batch', { namespaceName: 'jobs' }),
    });
    const legacySa = new kplus.ServiceAccount(chart, 'legacy-sa', { metadata: { name: 'legacy', namespace: 'old' } });
    const cart = new kplus33.Deployment(chart, 'cart', {
      metadata: { namespace: 'shop' }, podMetadata: { labels: { app: 'cart' } }, containers: [{ image: 'cart:1', portNumber: 8080 }],
    });
    // WHEN
    AuthorizationPolicy.allowFrom(chart, 'cart-callers', {
      from: [webSa, batch, legacySa], principals: [Principal.of('istio-ingress', 'ingress')], to: WorkloadSelector.fromWorkload(cart),
      trustDomain: 'prod.example.com', methods: [HttpMethod.POST],
    });
    // THEN
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'AuthorizationPolicy', 'cart-callers')).toStrictEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'cart-callers', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'cart' } },
        action: 'ALLOW',
        rules: [{
          from: [{ source: { principals: ['cluster.local/ns/istio-ingress/sa/ingress', 'prod.example.com/ns/front/sa/web', 'prod.example.com/ns/jobs/sa/batch', 'prod.example.com/ns/old/sa/legacy'] } }],
          to: [{ operation: { methods: ['POST'] } }],
        }],
      },
    });
  });

  test('a caller that is neither a ServiceAccount nor a workload is an error naming the policy, the entry, the object and the fix', () => {
    // GIVEN
    const chart = prodChart();
    const webSa = new kplus33.ServiceAccount(chart, 'web-sa', { metadata: { name: 'web', namespace: 'front' } });
    const service = new kplus33.Service(chart, 'web-svc', { ports: [{ port: 80 }] });
    const settings = new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap' });
    const fix = 'Fix: pass a ServiceAccount of any cdk8s-plus 2x version (cdk8s-plus-27 … cdk8s-plus-33; ServiceAccount.fromServiceAccountName(...) for one created elsewhere), '
      + 'or a workload: a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod of any cdk8s-plus 2x version (cdk8s-plus-27 … cdk8s-plus-33)';
    const allow = (id: string, props: Partial<AllowFromProps>) => errorOf(() => AuthorizationPolicy.allowFrom(chart, id, { to: productpage, namespace: 'bookinfo', ...props }));
    // WHEN / THEN
    expect(allow('p1', { from: [webSa, service] }))
      .toBe(`[prod/p1] from[1]: "prod/web-svc" is a cdk8s-plus-33 Service, not a cdk8s-plus ServiceAccount or a workload that runs pods. ${fix}`);
    expect(allow('p2', { from: [settings] }))
      .toBe(`[prod/p2] from[0]: "prod/settings" is an ApiObject of kind ConfigMap, not a cdk8s-plus ServiceAccount or a workload that runs pods. ${fix}`);
    expect(allow('p3', { from: [Principal.of('a', 'b') as unknown as kplus33.ServiceAccount] }))
      .toBe('[prod/p3] from[0]: "cluster.local/ns/a/sa/b" is a Principal, not a ServiceAccount or workload. Fix: give Principals in principals: [...] instead of from');
    expect(allow('p4', { principals: [webSa as unknown as Principal] }))
      .toBe('[prod/p4] principals[0]: "prod/web-sa" is not a Principal. Fix: use Principal.of(namespace, serviceAccount), or give the ServiceAccount or workload in from');
  });

  test('trust domain option', () => {
    const chart = prodChart();
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'app', namespace: 'team-a' } });
    expect(Principal.fromServiceAccount(sa, { trustDomain: 'prod.example.com' }).value).toBe('prod.example.com/ns/team-a/sa/app');
    expect(Principal.of('bookinfo', 'bookinfo-reviews').value).toBe('cluster.local/ns/bookinfo/sa/bookinfo-reviews');
    // A wrong trust domain is reported by the construct that uses the principal, under its field
    const bad = Principal.fromServiceAccount(sa, { trustDomain: 'Bad Domain' });
    expect(errorOf(() => new AuthorizationPolicy(chart, 'p', { namespace: 'team-a', rules: [{ from: [{ principals: [bad] }] }] })))
      .toBe('[prod/p] rules[0].from[0].principals[0].trustDomain: "Bad Domain" is not a trust domain. Fix: use the mesh trust domain, e.g. "cluster.local"');
    expect(errorOf(() => bad.value))
      .toBe('Principal.fromServiceAccount(trustDomain): "Bad Domain" is not a trust domain. Fix: use the mesh trust domain, e.g. "cluster.local"');
  });

  test('rule sources take Principal objects next to match strings', () => {
    const chart = prodChart();
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'productpage', namespace: 'bookinfo' } });
    new AuthorizationPolicy(chart, 'p', {
      namespace: 'bookinfo',
      selector: WorkloadSelector.labels({ app: 'reviews' }),
      rules: [{ from: [{ principals: [Principal.fromServiceAccount(sa), Principal.pattern('cluster.local/ns/istio-ingress/sa/*')], notPrincipals: [Principal.of('bookinfo', 'batch')] }] }],
    });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'AuthorizationPolicy', 'p').spec.rules[0].from[0].source).toStrictEqual({
      principals: ['cluster.local/ns/bookinfo/sa/productpage', 'cluster.local/ns/istio-ingress/sa/*'],
      notPrincipals: ['cluster.local/ns/bookinfo/sa/batch'],
    });
  });

  test('a preset with a selector renders its kind\'s rules next to the selector, and refuses an action', () => {
    const chart = prodChart();
    new AuthorizationPolicy(chart, 'closed', { namespace: 'bookinfo', selector: productpage, preset: Authorization.allowNothing() });
    new AuthorizationPolicy(chart, 'open', { namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'ratings' }), preset: Authorization.allowAll() });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'AuthorizationPolicy', 'closed', 'bookinfo').spec).toStrictEqual({ selector: { matchLabels: { app: 'productpage' } } });
    expect(find(objects, 'AuthorizationPolicy', 'open', 'bookinfo').spec).toStrictEqual({ selector: { matchLabels: { app: 'ratings' } }, rules: [{}] });
    expect(errorOf(() => new AuthorizationPolicy(prodChart(), 'p', { namespace: 'bookinfo', preset: Authorization.allowAll(), action: AuthorizationAction.DENY })))
      .toMatch(/^\[prod\/p\] action: "DENY" is set together with preset allow-all\. Fix: either use the preset or give action and rules$/);
  });

  test('a ServiceAccount without namespace, or a workload without a ServiceAccount, has no usable identity', () => {
    const chart = prodChart();
    const sa = new kplus.ServiceAccount(chart, 'no-ns', { metadata: { name: 'x' } });
    expect(errorOf(() => Principal.fromServiceAccount(sa)))
      .toBe('[prod/no-ns] metadata.namespace: undefined is not set, so the SPIFFE identity of the service account is unknown. Fix: create the ServiceAccount with metadata: { namespace: "..." } (or in a chart with a namespace)');
    const deployment = new kplus.Deployment(chart, 'anon', { containers: [{ image: 'x:1' }] });
    expect(errorOf(() => Principal.fromWorkload(deployment))).toMatch(/^\[prod\/anon\] serviceAccount: undefined is not set: the pods run as the namespace's "default" service account/);
  });

  test('allowFrom needs at least one caller', () => {
    expect(errorOf(() => AuthorizationPolicy.allowFrom(prodChart(), 'p', { from: [], to: productpage, namespace: 'bookinfo' })))
      .toBe('[prod/p] from: [] names no caller. Fix: give the ServiceAccounts or workloads allowed to call, or their identities in principals: [Principal.of(namespace, serviceAccount)]');
  });

  test('the policy namespace must be the target workload\'s', () => {
    const chart = prodChart();
    const reviews = new kplus.Deployment(chart, 'reviews', { metadata: { namespace: 'bookinfo' }, containers: [{ image: 'reviews:1' }] });
    expect(errorOf(() => AuthorizationPolicy.allowFrom(chart, 'x', { principals: [Principal.of('a', 'b')], to: WorkloadSelector.fromWorkload(reviews), namespace: 'other' })))
      .toMatch(/^\[prod\/x\] namespace: "other" differs from the namespace of the selected workload \("bookinfo"\)/);
  });
});

describe('AuthorizationPolicy rules', () => {
  test('A1: selector and targetRefs exclude each other', () => {
    const msg = errorOf(() => new AuthorizationPolicy(prodChart(), 'p', {
      namespace: 'bookinfo', selector: productpage, targetRefs: [PolicyTargetRef.service('productpage')], rules: [{ from: [{ namespaces: ['x'] }] }],
    }));
    expect(msg).toBe('[prod/p] selector/targetRefs: {"selector":"set","targetRefs":["Service/productpage"]} are both set; a policy attaches either to workloads by selector or to resources by targetRefs. Fix: keep one of them');
  });

  test('A2: DENY without rules', () => {
    expect(errorOf(() => new AuthorizationPolicy(prodChart(), 'p', { namespace: 'bookinfo', action: AuthorizationAction.DENY, rules: [] })))
      .toBe('[prod/p] rules: [] gives a DENY policy no rules: it never triggers (istiod rejects it). Fix: add at least one rule (AuthorizationRule {} matches every request)');
    const chart = prodChart();
    new AuthorizationPolicy(chart, 'later', { namespace: 'bookinfo', action: AuthorizationAction.DENY });
    expect(synthError(chart)).toContain('[prod/later] rules: [] gives a DENY policy no rules: it never triggers (istiod rejects it)');
  });

  test('A2: CUSTOM needs a provider name and rules; provider only with CUSTOM', () => {
    expect(errorOf(() => new AuthorizationPolicy(prodChart(), 'p', { namespace: 'bookinfo', action: AuthorizationAction.CUSTOM, rules: [{ to: [{ paths: ['/x'] }] }] })))
      .toBe('[prod/p] provider: undefined is required by a CUSTOM policy (istiod: `provider.name` must not be empty). Fix: name the external authorizer, a meshConfig.extensionProviders entry, e.g. provider: "ext-authz"');
    expect(errorOf(() => new AuthorizationPolicy(prodChart(), 'p', { namespace: 'bookinfo', action: AuthorizationAction.DENY, provider: 'ext-authz', rules: [{}] })))
      .toBe('[prod/p] provider: "ext-authz" is only used by CUSTOM policies, not DENY. Fix: drop provider, or set action: AuthorizationAction.CUSTOM');
    const chart = prodChart();
    new AuthorizationPolicy(chart, 'c', { namespace: 'bookinfo', action: AuthorizationAction.CUSTOM, provider: 'ext-authz' });
    expect(synthError(chart)).toContain('[prod/c] rules: [] gives a CUSTOM policy no rules: it never triggers (istiod rejects it)');
  });

  test('A2: CUSTOM rejects identity attributes', () => {
    expect(errorOf(() => new AuthorizationPolicy(prodChart(), 'p', {
      namespace: 'bookinfo', action: AuthorizationAction.CUSTOM, provider: 'ext-authz', rules: [{ from: [{ principals: [Principal.pattern('a/ns/b/sa/c')] }] }],
    }))).toMatch(/^\[prod\/p\] rules\[0\]\.from\[0\]\.principals: \["a\/ns\/b\/sa\/c"\] is not supported with the CUSTOM action/);
    expect(errorOf(() => new AuthorizationPolicy(prodChart(), 'p', {
      namespace: 'bookinfo', action: AuthorizationAction.CUSTOM, provider: 'ext-authz', rules: [{ when: [{ key: ConditionKey.claim('sub'), values: ['x'] }] }],
    }))).toMatch(/^\[prod\/p\] rules\[0\]\.when\[0\]\.key: "request\.auth\.claims\[sub\]" is not supported with the CUSTOM action/);
  });

  test('allow-nothing is never accidental: empty rules list, ALLOW that ends without rules, empty ALLOW rule', () => {
    expect(errorOf(() => new AuthorizationPolicy(prodChart(), 'p', { namespace: 'bookinfo', rules: [] })))
      .toBe('[prod/p] rules: [] gives an ALLOW policy no rules: it admits nothing, so the selected workloads reject every request no other ALLOW policy admits. ' +
        'Fix: add rules, or say you mean it with preset: Authorization.allowNothing() (or AuthorizationPolicy.denyAll())');
    const chart = prodChart();
    new AuthorizationPolicy(chart, 'forgotten', { namespace: 'bookinfo', selector: productpage });
    expect(synthError(chart)).toContain('[prod/forgotten] rules: [] gives an ALLOW policy no rules');
    expect(policyError([{}])).toBe('[prod/p] rules[0]: {} is an empty ALLOW rule, which admits every request (allow-all). Fix: narrow it with from/to/when, or say you mean it with preset: Authorization.allowAll()');
    expect(errorOf(() => new AuthorizationPolicy(prodChart(), 'p', { namespace: 'bookinfo', preset: Authorization.allowNothing(), rules: [{ from: [{ namespaces: ['x'] }] }] })))
      .toMatch(/^\[prod\/p\] rules: .* is set together with preset allow-nothing/);
    expect(errorOf(() => AuthorizationPolicy.denyAll(prodChart(), 'd', { namespace: 'bookinfo' }).addRule({ from: [{ namespaces: ['x'] }] })))
      .toMatch(/^\[prod\/d\] rules: .* cannot be added to the allow-nothing preset policy/);
  });

  test.each<[string, AuthorizationRule, RegExp]>([
    ['empty from', { from: [] }, /^\[prod\/p\] rules\[0\]\.from: \[\] is empty \(istiod: `from` must not be empty\)/],
    ['empty to', { to: [] }, /^\[prod\/p\] rules\[0\]\.to: \[\] is empty \(istiod: `to` must not be empty\)/],
    ['empty source', { from: [{}] }, /^\[prod\/p\] rules\[0\]\.from\[0\]: \{\} sets no field \(istiod: `from\.source` must not be empty\)/],
    ['empty operation', { to: [{}] }, /^\[prod\/p\] rules\[0\]\.to\[0\]: \{\} sets no field \(istiod: `to\.operation` must not be empty\)/],
    ['empty list', { from: [{ principals: [] }] }, /^\[prod\/p\] rules\[0\]\.from\[0\]\.principals: \[\] is an empty list, which Istio reads as "not set"/],
    ['a string where a Principal belongs', { from: [{ principals: ['cluster.local/ns/a/sa/b' as unknown as Principal] }] },
      /^\[prod\/p\] rules\[0\]\.from\[0\]\.principals\[0\]: "cluster\.local\/ns\/a\/sa\/b" is a string, not a Principal\. Fix: give Principal\.pattern\("cluster\.local\/ns\/a\/sa\/b"\), or derive it with Principal\.fromServiceAccount\(\.\.\.\)$/],
    ['empty value', { from: [{ namespaces: [''] }] }, /^\[prod\/p\] rules\[0\]\.from\[0\]\.namespaces\[0\]: "" is empty/],
    ['bad CIDR', { from: [{ ipBlocks: ['10.0.0.0/33'] }] }, /^\[prod\/p\] rules\[0\]\.from\[0\]\.ipBlocks\[0\]: "10\.0\.0\.0\/33" is not an IP address or CIDR range/],
    ['middle wildcard', { from: [{ principals: [Principal.pattern('cluster.local/*/sa/x')] }] }, /principals\[0\]: "cluster\.local\/\*\/sa\/x" is not an Istio match/],
    ['port 0', { to: [{ ports: [0] }] }, /^\[prod\/p\] rules\[0\]\.to\[0\]\.ports\[0\]: 0 is not a port number 1–65535/],
    ['method', { to: [{ methods: ['FETCH' as HttpMethod] }] }, /methods\[0\]: "FETCH" is not an HTTP method/],
    ['host with a bad label', { to: [{ hosts: ['bad_host.example.com'] }] }, /^\[prod\/p\] rules\[0\]\.to\[0\]\.hosts\[0\]: "bad_host\.example\.com" has an invalid DNS label "bad_host"/],
    ['host with a bad port', { to: [{ hosts: ['api.example.com:99999'] }] }, /hosts\[0\]: "api\.example\.com:99999" has a port that is not a number 1–65535/],
    ['host with a middle wildcard', { to: [{ notHosts: ['api.*.example.com'] }] }, /notHosts\[0\]: "api\.\*\.example\.com" is not an Istio match/],
    ['relative path', { to: [{ paths: ['reviews'] }] }, /paths\[0\]: "reviews" does not start with "\/"/],
    ['bad template', { to: [{ paths: ['/api/{id}/{*}'] }] }, /paths\[0\]: "\/api\/\{id\}\/\{\*\}" is a path template with named variables/],
    ['empty when key', { when: [{ key: '', values: ['x'] }] }, /^\[prod\/p\] rules\[0\]\.when\[0\]\.key: "" is empty \(istiod: `key` must not be empty\)/],
    ['when without values', { when: [{ key: ConditionKey.SOURCE_NAMESPACE }] }, /^\[prod\/p\] rules\[0\]\.when\[0\]: \{"key":"source\.namespace"\} has neither values nor notValues for key source\.namespace/],
    ['unknown key', { when: [{ key: 'source.user', values: ['x'] }] }, /when\[0\]\.key: "source\.user" is not an Istio authorization attribute/],
    ['claim without name', { when: [{ key: 'request.auth.claims', values: ['x'] }] }, /when\[0\]\.key: "request\.auth\.claims" has no \[name\] part/],
    ['destination.labels', { when: [{ key: 'destination.labels[app]', values: ['x'] }] }, /is not supported \(replaced by the workload selector\)/],
    ['IP condition', { when: [{ key: ConditionKey.REMOTE_IP, values: ['not-an-ip'] }] }, /when\[0\]\.values\[0\]: "not-an-ip" is not an IP address or CIDR range/],
    ['port condition', { when: [{ key: ConditionKey.DESTINATION_PORT, notValues: ['70000'] }] }, /when\[0\]\.notValues\[0\]: "70000" is not a port number 0–65535/],
  ])('A3: %s', (_name, rule, message) => {
    expect(policyError([rule])).toMatch(message);
  });

  test('A3: a DENY rule with only HTTP attributes also blocks TCP: an error of the construct (as the analyzer\'s CDK8S-ISTIO-004) unless acknowledged or given ports', () => {
    const chart = prodChart();
    expect(errorOf(() => new AuthorizationPolicy(chart, 'deny-delete', { namespace: 'bookinfo', selector: productpage, action: AuthorizationAction.DENY, rules: [{ to: [{ methods: [HttpMethod.DELETE] }] }] })))
      .toMatch(/^\[prod\/deny-delete\] rules\[0\]: \{"to":\[\{"methods":\["DELETE"\]\}\]\} is a DENY rule with HTTP-only attributes that istiod drops on non-HTTP ports \(to\[0\] has methods but no ports\)/);

    const ok = prodChart();
    new AuthorizationPolicy(ok, 'with-ports', { namespace: 'bookinfo', selector: productpage, action: AuthorizationAction.DENY, rules: [{ to: [{ methods: [HttpMethod.DELETE], ports: [9080] }] }] });
    new AuthorizationPolicy(ok, 'acknowledged', { namespace: 'bookinfo', selector: productpage, action: AuthorizationAction.DENY, acknowledgeTcpBlocking: true, rules: [{ to: [{ methods: [HttpMethod.DELETE] }] }] });
    new AuthorizationPolicy(ok, 'tcp-source', { namespace: 'bookinfo', selector: productpage, action: AuthorizationAction.DENY, rules: [{ from: [{ notNamespaces: ['bookinfo'] }] }] });
    expectValidManifests(ok.toJson());
    expect(findingsOf(ok, 'CDK8S-ISTIO-004')).toStrictEqual([]);
  });

  test('A4: selector labels', () => {
    expect(errorOf(() => new AuthorizationPolicy(prodChart(), 'p', { namespace: 'bookinfo', selector: WorkloadSelector.labels({ '': 'x' }), rules: [{ from: [{ namespaces: ['x'] }] }] })))
      .toBe('[prod/p] selector: {"":"x"} has an empty key or a wildcard (Istio selectors match exact labels). Fix: use exact label keys and values');
    expect(errorOf(() => new AuthorizationPolicy(prodChart(), 'p', { namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'x'.repeat(64) }), rules: [{ from: [{ namespaces: ['x'] }] }] })))
      .toMatch(/^\[prod\/p\] selector: .* has a value that is not a valid label value \(at most 63 characters/);
  });

  test('a policy without any namespace is an error', () => {
    expect(errorOf(() => AuthorizationPolicy.allowFrom(prodChart(), 'p', { principals: [Principal.of('a', 'b')], to: productpage })))
      .toMatch(/^\[prod\/p\] namespace: undefined is not set, so the object would land in whatever namespace kubectl or the GitOps tool defaults to\. Fix: give the namespace/);
  });
});
