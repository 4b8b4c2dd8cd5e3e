/**
 * The shape of an environment profile and of its overrides: which keys exist at every depth (from the
 * generated props table, so a misspelt key gets a "did you mean"), and the JSON type of every value.
 *
 * ```ts
 * checkEnvironmentShape(this, 'environment', props.environment, 'profile');     // a whole EnvironmentProfile
 * checkEnvironmentShape(where, 'overrides', overrides, 'overrides');           // an EnvironmentOverrides
 * checkCanaryStages(this, 'environment.canary.stages', env.canary.stages, env.name);
 * ```
 *
 * Shape only: ranges and relations (a request above its limit, a PodDisruptionBudget that blocks every
 * drain) are checked by the construct that uses a part of the profile, under its own path
 * (`resolveSizing`), so a profile's sizing is judged where it takes effect.
 */
import { IConstruct } from 'constructs';
import { invalidInput, show } from './errors';
import { checkAcyclic, checkArray, checkBoolean, checkEnum, checkNumber, checkOptions, checkString, describeType, PropsInterface } from './input';
import { AntiAffinityMode, EnvironmentProfile } from '../environment';

/** What a leaf holds. */
type Leaf = 'string' | 'boolean' | 'number' | 'numbers' | 'antiAffinityMode';

/** An object of the profile: its interface (for the allowed and required keys) and its fields. */
interface Shape {
  readonly iface: PropsInterface;
  readonly fields: { readonly [key: string]: Leaf | Shape };
}

/** Whether a whole profile (required keys) or overrides (every key optional) is checked. */
export type EnvironmentShapeMode = 'profile' | 'overrides';

function shapes(mode: EnvironmentShapeMode): Shape {
  const o = mode === 'overrides';
  const amounts: Shape = { iface: o ? 'ResourceAmountsOverrides' : 'ResourceAmounts', fields: { cpu: 'string', memory: 'string' } };
  const resources: Shape = { iface: o ? 'ResourceRequirementsOverrides' : 'ResourceRequirements', fields: { requests: amounts, limits: amounts } };
  const component: Shape = {
    iface: o ? 'ComponentSizingOverrides' : 'ComponentSizing',
    fields: {
      replicas: 'number',
      resources,
      autoscaling: {
        iface: o ? 'AutoscalingOverrides' : 'Autoscaling',
        fields: { minReplicas: 'number', maxReplicas: 'number', targetCpuUtilizationPercent: 'number' },
      },
      antiAffinity: { iface: o ? 'AntiAffinityOverrides' : 'AntiAffinity', fields: { mode: 'antiAffinityMode', topologyKey: 'string', weight: 'number' } },
      podDisruptionBudget: { iface: o ? 'DisruptionBudgetOverrides' : 'DisruptionBudget', fields: { minAvailable: 'number', maxUnavailable: 'number', maxUnavailablePercent: 'number' } },
    },
  };
  return {
    iface: o ? 'EnvironmentOverrides' : 'EnvironmentProfile',
    fields: {
      name: 'string',
      production: 'boolean',
      istiod: component,
      sidecar: { iface: o ? 'SidecarSizingOverrides' : 'SidecarSizing', fields: { resources, optimized: resources } },
      ingressGateway: component,
      egressGateway: component,
      waypoint: component,
      canary: { iface: o ? 'CanaryDefaultsOverrides' : 'CanaryDefaults', fields: { stages: 'numbers', initialPercent: 'number' } },
    },
  };
}

const PROFILE = shapes('profile');
const OVERRIDES = shapes('overrides');

/**
 * Checks that `value` is an environment profile (`mode: 'profile'`, every required key given) or
 * overrides of one (`'overrides'`): plain data without cycles, no unknown or `null` key at any depth
 * (naming the closest known key), every value of its type (strings, booleans, finite numbers, an
 * `AntiAffinityMode`, a list of numbers for `canary.stages`). Errors name `field` and the path below it.
 */
export function checkEnvironmentShape(scope: IConstruct, field: string, value: unknown, mode: EnvironmentShapeMode): EnvironmentProfile {
  const root = mode === 'profile' ? PROFILE : OVERRIDES;
  if (typeof value === 'object' && value !== null) {
    checkAcyclic(scope, field, value);
  }
  checkObject(scope, field, value, root);
  return value as EnvironmentProfile;
}

function checkObject(scope: IConstruct, field: string, value: unknown, shape: Shape): void {
  const record = checkOptions(scope, field, value as Record<string, unknown>, shape.iface);
  for (const key of Object.keys(record)) {
    const v = record[key];
    if (v === undefined) continue;
    const f = `${field}.${key}`;
    const kind = shape.fields[key];
    if (typeof kind === 'object') {
      checkObject(scope, f, v, kind);
    } else {
      checkLeaf(scope, f, v, kind);
    }
  }
}

function checkLeaf(scope: IConstruct, field: string, value: unknown, kind: Leaf): void {
  switch (kind) {
    case 'string':
      checkString(scope, field, value);
      return;
    case 'boolean':
      checkBoolean(scope, field, value);
      return;
    case 'number':
      checkFiniteNumber(scope, field, value);
      return;
    case 'numbers':
      checkArray(scope, field, value, (n, f) => checkFiniteNumber(scope, f, n), { fix: 'give a list of percentages, e.g. [10, 25, 50, 75, 100]' });
      return;
    case 'antiAffinityMode':
      checkEnum(scope, field, value, AntiAffinityMode, 'AntiAffinityMode');
      return;
  }
}

/** A number that is finite; another type is reported as such. */
function checkFiniteNumber(scope: IConstruct, field: string, value: unknown): void {
  if (typeof value !== 'number') {
    throw invalidInput(scope, field, value, `is ${describeType(value)}, not a number`, 'give a number');
  }
  checkNumber(scope, field, value);
}

/**
 * Checks the canary stages of environment `envName`: whole percentages in increasing order, the last
 * 100 (what `CanaryRelease.plan` walks through). Returns them.
 */
export function checkCanaryStages(scope: IConstruct, field: string, stages: unknown, envName: unknown): number[] {
  const ok = Array.isArray(stages) && stages.length > 0 && stages[stages.length - 1] === 100
    && stages.every((s, i) => Number.isInteger(s) && s >= 0 && s <= 100 && (i === 0 || s > stages[i - 1]));
  if (!ok) {
    throw invalidInput(scope, field, stages, `of environment ${show(envName)} are not whole percentages in increasing order ending at 100`,
      'fix the environment profile, e.g. stages: [10, 25, 50, 75, 100]');
  }
  return stages as number[];
}
