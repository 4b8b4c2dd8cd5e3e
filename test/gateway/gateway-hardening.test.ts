import {
  AutoscalingSetting, DisruptionBudgetSetting, Environment, EgressGateway, ExternalTrafficPolicy, GatewayServer, IngressGateway, IngressGatewayProps,
  MeshControlPlane, PodPriorityClass, ZoneSpreading, ZoneSpreadMode,
} from '../../lib';
import { analyzed } from '../support/charts';
import { find, meshChart, Obj, synthValid, thrown } from './support';

const HTTPS = GatewayServer.https({ hosts: ['shop.example.com'], credentialName: 'shop-tls' });
const SELECTOR = { app: 'ingress', istio: 'ingress' };

/** GIVEN a chart of `env` with a control plane WHEN an ingress gateway with `props` is added THEN its valid objects. */
function objects(props: IngressGatewayProps = {}, env = Environment.PROD): Obj[] {
  const chart = meshChart(env);
  const controlPlane = new MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });
  new IngressGateway(chart, 'ingress', { controlPlane, servers: [HTTPS], ...props });
  return synthValid(chart);
}

const podSpec = (objs: Obj[]) => find(objs, 'Deployment', 'ingress', 'istio-ingress').spec.template.spec;

describe('gateway pod hardening', () => {
  test('PROD: the whole pod spec: RuntimeDefault seccomp, system-cluster-critical, zone spreading per ReplicaSet, zone anti-affinity', () => {
    // GIVEN / WHEN a PROD ingress gateway with the defaults
    const spec = podSpec(objects());
    // THEN
    expect(spec).toStrictEqual({
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{
            podAffinityTerm: { labelSelector: { matchLabels: SELECTOR }, topologyKey: 'topology.kubernetes.io/zone' }, weight: 100,
          }],
        },
      },
      automountServiceAccountToken: false,
      containers: [{
        image: 'auto',
        imagePullPolicy: 'IfNotPresent',
        name: 'istio-proxy',
        ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
        resources: { limits: { cpu: '2', memory: '2Gi' }, requests: { cpu: '200m', memory: '256Mi' } },
        securityContext: {
          allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true,
          runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337,
        },
      }],
      dnsPolicy: 'ClusterFirst',
      hostNetwork: false,
      priorityClassName: 'system-cluster-critical',
      restartPolicy: 'Always',
      securityContext: {
        fsGroupChangePolicy: 'Always',
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
        sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
      },
      serviceAccountName: 'ingress',
      setHostnameAsFQDN: false,
      terminationGracePeriodSeconds: 30,
      topologySpreadConstraints: [{
        labelSelector: { matchLabels: SELECTOR },
        matchLabelKeys: ['pod-template-hash'],
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
      }],
    });
  });

  test('DEV and STAGING: seccomp RuntimeDefault, no priority class, no zone spreading', () => {
    for (const env of [Environment.DEV, Environment.STAGING]) {
      const spec = podSpec(objects({}, env));
      expect(spec.securityContext.seccompProfile).toStrictEqual({ type: 'RuntimeDefault' });
      expect([spec.priorityClassName, spec.topologySpreadConstraints]).toStrictEqual([undefined, undefined]);
    }
  });

  test('the egress gateway\'s pods get the same hardening', () => {
    const chart = meshChart();
    new EgressGateway(chart, 'egress');
    const spec = find(synthValid(chart), 'Deployment', 'egress', 'istio-egress').spec.template.spec;
    expect([spec.securityContext.seccompProfile, spec.priorityClassName, spec.topologySpreadConstraints[0].whenUnsatisfiable])
      .toStrictEqual([{ type: 'RuntimeDefault' }, 'system-cluster-critical', 'ScheduleAnyway']);
  });

  test('a named priority class, required spreading with a skew of 2, or neither in PROD', () => {
    const named = podSpec(objects({ priorityClass: PodPriorityClass.named('gateway-critical'), zoneSpreading: ZoneSpreading.across(ZoneSpreadMode.REQUIRED, 2) }));
    expect(named.priorityClassName).toBe('gateway-critical');
    expect(named.topologySpreadConstraints).toStrictEqual([{
      labelSelector: { matchLabels: SELECTOR }, matchLabelKeys: ['pod-template-hash'], maxSkew: 2, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
    }]);
    const none = podSpec(objects({ priorityClass: PodPriorityClass.NONE, zoneSpreading: ZoneSpreading.NONE }));
    expect([none.priorityClassName, none.topologySpreadConstraints]).toStrictEqual([undefined, undefined]);
  });

  test('bad priority class or spreading: errors name the field, the value and the fix', () => {
    const chart = meshChart();
    expect(thrown(() => new IngressGateway(chart, 'a', { servers: [HTTPS], priorityClass: PodPriorityClass.named('Critical!') })))
      .toBe('[prod/a] priorityClass: "Critical!" is not a PriorityClass name (a DNS subdomain: lowercase letters, digits, "-" and ".", at most 253 characters). '
        + 'Fix: name a PriorityClass, e.g. "system-cluster-critical"');
    expect(thrown(() => new IngressGateway(chart, 'b', { servers: [HTTPS], zoneSpreading: ZoneSpreading.across(ZoneSpreadMode.PREFERRED, 0) })))
      .toBe('[prod/b] zoneSpreading.maxSkew: 0 is not a whole number from 1 to 2147483647. Fix: give 1 (even spreading) or more');
    expect(thrown(() => new IngressGateway(chart, 'c', { servers: [HTTPS], priorityClass: 'system-cluster-critical' as never })))
      .toBe('[prod/c] priorityClass: "system-cluster-critical" is a string, not a PodPriorityClass. Fix: use PodPriorityClass.SYSTEM_CLUSTER_CRITICAL, PodPriorityClass.named("...") or PodPriorityClass.NONE');
  });
});

describe('gateway PodDisruptionBudget', () => {
  const pdb = (objs: Obj[]) => find(objs, 'PodDisruptionBudget', 'ingress', 'istio-ingress').spec;

  test('PROD: maxUnavailable 1 under the HPA of 3-10, so a drain takes one pod at a time at any scale', () => {
    expect(pdb(objects())).toStrictEqual({ maxUnavailable: 1, selector: { matchLabels: SELECTOR } });
    expect(Environment.PROD.ingressGateway.podDisruptionBudget).toStrictEqual({ maxUnavailable: 1 });
    expect(Environment.STAGING.egressGateway.podDisruptionBudget).toStrictEqual({ maxUnavailable: 1 });
  });

  test('a percentage, or minAvailable, as overrides', () => {
    expect(pdb(objects({ sizing: { podDisruptionBudget: DisruptionBudgetSetting.maxUnavailablePercent(25) } })))
      .toStrictEqual({ maxUnavailable: '25%', selector: { matchLabels: SELECTOR } });
    expect(pdb(objects({ sizing: { podDisruptionBudget: DisruptionBudgetSetting.minAvailable(2) } })))
      .toStrictEqual({ minAvailable: 2, selector: { matchLabels: SELECTOR } });
  });

  test('budgets that block drains, let a drain take every pod, or protect a single pod are refused', () => {
    const error = (budget: DisruptionBudgetSetting, replicas?: number) => thrown(() => new IngressGateway(meshChart(), 'gw', {
      servers: [HTTPS],
      sizing: { podDisruptionBudget: budget, ...(replicas ? { replicas, autoscaling: AutoscalingSetting.NONE } : {}) },
    }));
    expect(error(DisruptionBudgetSetting.maxUnavailable(3))).toBe('[prod/gw] sizing.podDisruptionBudget.maxUnavailable: 3 is not below the HPA minimum (3), '
      + 'so a drain could take every pod at once. Fix: set maxUnavailable below 3 (1 takes one pod at a time), raise the replicas, or set podDisruptionBudget: DisruptionBudgetSetting.NONE');
    expect(error(DisruptionBudgetSetting.maxUnavailable(0))).toBe('[prod/gw] sizing.podDisruptionBudget.maxUnavailable: 0 is not a whole number of at least 1. '
      + 'Fix: let a drain take at least 1 pod, or set podDisruptionBudget: DisruptionBudgetSetting.NONE');
    expect(error(DisruptionBudgetSetting.maxUnavailablePercent(100))).toBe('[prod/gw] sizing.podDisruptionBudget.maxUnavailablePercent: 100 is not a whole percentage 1–99. '
      + 'Fix: give e.g. 25 (100 would let a drain take every pod), or set podDisruptionBudget: DisruptionBudgetSetting.NONE');
    expect(error(DisruptionBudgetSetting.maxUnavailablePercent(50), 1)).toBe('[prod/gw] sizing.podDisruptionBudget.maxUnavailablePercent: 50 is a budget for a single pod '
      + '(replica count 1), which Kubernetes rounds up to that pod: it protects nothing. Fix: raise the replicas to 2 or more, or set podDisruptionBudget: DisruptionBudgetSetting.NONE');
  });

  test('an environment whose budget sets two fields is refused where it takes effect', () => {
    const env = Environment.override(Environment.PROD, { ingressGateway: { podDisruptionBudget: { minAvailable: 2 } } });
    expect(thrown(() => new IngressGateway(meshChart(env), 'gw', { servers: [HTTPS] })))
      .toBe('[prod/gw] sizing.podDisruptionBudget: {"maxUnavailable":1,"minAvailable":2} sets minAvailable and maxUnavailable; a budget has one of them. '
        + 'Fix: give one, e.g. DisruptionBudgetSetting.maxUnavailable(1), or set podDisruptionBudget: DisruptionBudgetSetting.NONE');
  });
});

describe('gateway Service externalTrafficPolicy', () => {
  test('LOCAL is written on the LoadBalancer Service; the analyzer finds nothing', () => {
    const chart = meshChart();
    new IngressGateway(chart, 'ingress', { servers: [HTTPS], externalTrafficPolicy: ExternalTrafficPolicy.LOCAL });
    const objs = synthValid(chart);
    expect(find(objs, 'Service', 'ingress', 'istio-ingress').spec).toStrictEqual({
      externalTrafficPolicy: 'Local',
      externalIPs: [],
      ports: [{ name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 }, { name: 'https-443', port: 443, protocol: 'TCP', targetPort: 443 }],
      selector: SELECTOR,
      type: 'LoadBalancer',
    });
    expect(analyzed(chart).filter((f) => !f.includes('credentialName'))).toStrictEqual([]);
  });
});
