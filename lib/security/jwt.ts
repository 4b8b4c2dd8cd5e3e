import { Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { crdLimits } from '../core/crd-limits';
import { istioDuration } from '../core/duration';
import { invalidInput } from '../core/errors';
import { checkArray, checkBoolean, checkInstance, checkOptions, checkProps, checkString, copyOptions, describeType, isObject } from '../core/input';
import * as l1 from '../../imports/security.istio.io';
import { AuthorizationAction, AuthorizationPolicy, checkPaths, checkRequestPrincipals, RequestOperation, RequestSource } from './authorization';
import { checkDnsLabel, isDnsLabel } from '../core/names';
import { resolveNamespace } from '../core/namespace';
import { checkPort } from '../core/ports';
import { renderSelector } from '../traffic/selector';
import { WorkloadSelector } from '../workload/workload-selector';
import { frozenCopy } from '../core/records';

const REQUEST_AUTHENTICATION = 'security.istio.io/v1/RequestAuthentication';
/** The token-requirement AuthorizationPolicy is named `<name>-require-token`. */
const REQUIREMENT_SUFFIX = '-require-token';

/** A header a JWT is read from. */
export interface JwtHeader {
  /** Header name, e.g. `Authorization` or `x-jwt-assertion`. */
  readonly name: string;
  /**
   * Prefix stripped before decoding, e.g. `"Bearer "`.
   * @default none
   */
  readonly prefix?: string;
}

/** A claim copied to a request header after the token is verified. */
export interface JwtClaimToHeader {
  /** The claim, e.g. `sub`. */
  readonly claim: string;
  /** The header to create, letters, digits, `-` and `_`. */
  readonly header: string;
}

/** One accepted token issuer (a `jwtRules` entry). ISTIO-RULES R1. */
export interface JwtIssuer {
  /**
   * The `iss` the token must carry. At least one of `issuer` and `jwksUri` is required.
   * @default any issuer whose keys verify the token
   */
  readonly issuer?: string;
  /**
   * URL (http or https) of the issuer's public keys. Excludes `jwks`.
   * @default discovered by istiod from `<issuer>/.well-known/openid-configuration` when jwks is unset too
   */
  readonly jwksUri?: string;
  /**
   * The public keys inline, as a JSON Web Key Set document. Excludes `jwksUri`.
   * @default none
   */
  readonly jwks?: string;
  /**
   * Accepted `aud` values.
   * @default any audience
   */
  readonly audiences?: string[];
  /**
   * Keep the token on the request forwarded to the workload.
   * @default false (the token is removed)
   */
  readonly forwardOriginalToken?: boolean;
  /**
   * Headers the token is read from.
   * @default `Authorization: Bearer <token>`
   */
  readonly fromHeaders?: JwtHeader[];
  /**
   * Query parameters the token is read from.
   * @default `access_token` (only when fromHeaders is unset too)
   */
  readonly fromParams?: string[];
  /**
   * Cookies the token is read from.
   * @default none
   */
  readonly fromCookies?: string[];
  /**
   * Header that receives the verified payload (base64url JSON).
   * @default none
   */
  readonly outputPayloadToHeader?: string;
  /**
   * Claims copied to headers.
   * @default none
   */
  readonly outputClaimToHeaders?: JwtClaimToHeader[];
  /**
   * How long istiod waits for the JWKS download, at least 1 ms.
   * @default Istio's default (5s)
   */
  readonly timeout?: Duration;
}

/** Which requests a {@link TokenRequirement} covers. */
export enum TokenRequirementKind {
  /** Every request (`TokenRequirement.everywhere()`). */
  EVERYWHERE = 'everywhere',
  /** Requests to some paths (`TokenRequirement.onPaths()`). */
  ON_PATHS = 'paths',
  /** Every request except to some paths (`TokenRequirement.exceptPaths()`). */
  EXCEPT_PATHS = 'except-paths',
  /** None: a token is optional (`TokenRequirement.optional()`). */
  OPTIONAL = 'optional',
}

/**
 * Which requests must carry a valid token: the AuthorizationPolicy that {@link JwtAuthentication}
 * adds next to the RequestAuthentication (which on its own only rejects *invalid* tokens; a
 * request without any token passes).
 *
 * Following Istio's "Require a valid token" and "Require valid tokens per-path" tasks, it is a DENY
 * policy with `notRequestPrincipals` (`["*"]`, or the accepted `<iss>/<sub>` identities), limited to
 * paths when asked. DENY rather than ALLOW on purpose: it only narrows access, so it composes with a
 * deny-all baseline and its explicit ALLOW policies (an ALLOW `requestPrincipals: ["*"]` policy would
 * instead admit any caller holding a token, widening access).
 */
export class TokenRequirement {
  /** Every request needs a valid token. */
  public static everywhere(options: TokenRequirementOptions = {}): TokenRequirement {
    return new TokenRequirement(TokenRequirementKind.EVERYWHERE, undefined, options);
  }
  /**
   * Requests to these paths need a valid token; others may come without one.
   *
   * A prefix `/api/*` also covers the bare `/api` (added to the rule automatically: `/api/*` alone does
   * not match it). This is fail-open: any spelling of a path that the rule does not match reaches the
   * workload without a token. The mesh's path normalization decides how many spellings there are: with
   * the MeshControlPlane default `PathNormalization.DECODE_AND_MERGE_SLASHES`, `//api/x` and
   * `/api%2Fx` become `/api/x`; with Istio's own default `BASE` they slip past the rule. Case is not
   * normalized (`/API/x` does not match). Prefer {@link TokenRequirement.exceptPaths}, which is
   * fail-closed: everything needs a token except the public paths you list.
   */
  public static onPaths(paths: string[], options: TokenRequirementOptions = {}): TokenRequirement {
    return new TokenRequirement(TokenRequirementKind.ON_PATHS, paths, options);
  }
  /**
   * Every request needs a valid token, except to these (public) paths, e.g. `/healthz`. The
   * fail-closed choice: a path spelled in a way the list does not match still needs a token.
   */
  public static exceptPaths(paths: string[], options: TokenRequirementOptions = {}): TokenRequirement {
    return new TokenRequirement(TokenRequirementKind.EXCEPT_PATHS, paths, options);
  }
  /**
   * No token is required: a request without a token passes, one with an invalid token is rejected.
   * Only for endpoints that are public anyway; nothing is generated besides the RequestAuthentication.
   */
  public static optional(): TokenRequirement {
    return new TokenRequirement(TokenRequirementKind.OPTIONAL, undefined, undefined);
  }

  /** The paths of `onPaths` / `exceptPaths`. */
  public readonly paths: string[] | undefined;
  /** The accepted request principals. */
  public readonly principals: string[] | undefined;

  /** The paths as given (a copy of a list), checked by the JwtAuthentication that uses the requirement. */
  private readonly givenPaths: unknown;
  /** The options as given (a shallow copy of an object, its principals copied), checked there too. */
  private readonly givenOptions: unknown;

  private constructor(
    /** Which requirement. */
    public readonly kind: TokenRequirementKind,
    paths: string[] | undefined,
    options: TokenRequirementOptions | undefined,
  ) {
    // Copies, so that changing the caller's array later changes nothing here.
    this.givenPaths = Array.isArray(paths) ? frozenCopy(paths) : paths;
    const copied: unknown = copyOptions(options);
    const principals: unknown = isObject(copied) ? copied.principals : undefined;
    this.givenOptions = isObject(copied) && Array.isArray(principals) ? { ...copied, principals: frozenCopy(principals) } : copied;
    this.paths = Array.isArray(this.givenPaths) ? this.givenPaths as string[] : undefined;
    this.principals = isObject(this.givenOptions) && Array.isArray(this.givenOptions.principals) ? this.givenOptions.principals as string[] : undefined;
  }

  /**
   * The checked paths (for onPaths / exceptPaths) and request principals, errors under `field` of `scope`.
   * @internal
   */
  public _render(scope: IConstruct, field: string): { paths: string[] | undefined; principals: string[] } {
    const options = this.givenOptions === undefined ? {} : checkOptions(scope, field, this.givenOptions as TokenRequirementOptions, 'TokenRequirementOptions');
    let principals = ['*'];
    if (options.principals !== undefined) {
      if (Array.isArray(options.principals) && options.principals.length === 0) {
        throw invalidInput(scope, `${field}.principals`, [], 'is empty', 'leave principals out (any valid token) or name the accepted <iss>/<sub>');
      }
      principals = checkRequestPrincipals(scope, `${field}.principals`, options.principals);
    }
    if (this.kind !== TokenRequirementKind.ON_PATHS && this.kind !== TokenRequirementKind.EXCEPT_PATHS) {
      return { paths: undefined, principals };
    }
    const paths = this.givenPaths;
    if (Array.isArray(paths) && paths.length === 0 || paths === undefined) {
      throw invalidInput(scope, `${field}.paths`, paths, 'is empty', 'give the paths, e.g. ["/api/*"], or use TokenRequirement.everywhere()');
    }
    return { paths: checkPaths(scope, `${field}.paths`, paths), principals };
  }
}

/** Options of a {@link TokenRequirement}. */
export interface TokenRequirementOptions {
  /**
   * The request principals (`<iss>/<sub>`, prefix or suffix `*` allowed) that count as valid.
   * @default ["*"]: any token a JwtIssuer accepts
   */
  readonly principals?: string[];
}

/** Props of a {@link JwtAuthentication}. */
export interface JwtAuthenticationProps {
  /**
   * The workloads whose inbound requests are checked.
   * @default every workload in the namespace
   */
  readonly selector?: WorkloadSelector;
  /**
   * Namespace of both policies.
   * @default the selector's workload namespace, else the chart's (one is required)
   */
  readonly namespace?: string;
  /** The accepted issuers, at least one. */
  readonly issuers: JwtIssuer[];
  /**
   * Which requests must carry a valid token.
   * @default TokenRequirement.everywhere()
   */
  readonly requireToken?: TokenRequirement;
  /**
   * The workload (container) ports of the selected pods that serve the HTTP requests needing a token.
   *
   * The token-requirement policy is a DENY rule made of HTTP attributes (request principals, paths).
   * On a port istiod does not treat as HTTP it drops them, and the rule then rejects every connection.
   * With `ports`, every operation of the rule names them: the rule means exactly what it says there,
   * and the workloads' other ports are left alone. Required with `TokenRequirement.onPaths` (denying
   * every connection on a TCP port is far wider than "a token on these paths"). Without it,
   * `everywhere()` and `exceptPaths()` also reject every connection on non-HTTP ports, which is what
   * they mean (a connection that cannot carry a token gets no access), so their policy is written
   * acknowledged (`acknowledgeTcpBlocking`).
   * @default every port of the selected workloads (not allowed with onPaths)
   */
  readonly ports?: number[];
  /**
   * Name of the RequestAuthentication; the AuthorizationPolicy is `<name>-require-token`.
   * @default the construct id
   */
  readonly name?: string;
}

const HEADER = /^[-_A-Za-z0-9]+$/;

/**
 * `paths` plus the bare prefix of every `<prefix>/*` (`/api` next to `/api/*`), which the prefix match
 * does not cover although it is the same resource to the application.
 */
function withBarePrefixes(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    out.push(p);
    const bare = typeof p === 'string' && p.endsWith('/*') ? p.slice(0, -2) : '';
    if (bare.startsWith('/') && !bare.includes('*') && !paths.includes(bare) && !out.includes(bare)) {
      out.push(bare);
    }
  }
  return out;
}

/**
 * End-user authentication with JWTs: a RequestAuthentication (which tokens are valid) plus the
 * AuthorizationPolicy that makes a valid token mandatory where `requireToken` says (see
 * {@link TokenRequirement} for the pattern and why). Checks ISTIO-RULES R1 on every issuer.
 *
 * The requirement policy is a DENY policy with HTTP attributes, which istiod drops on non-HTTP ports
 * (see {@link JwtAuthenticationProps.ports}): with `ports` the rule is confined to the HTTP ports;
 * without them (`everywhere()`, `exceptPaths()` only) it also rejects every connection on the
 * workloads' other ports, deliberately, and says so with `acknowledgeTcpBlocking`.
 */
export class JwtAuthentication extends Construct {
  /** The namespace of both policies. */
  public readonly namespace: string;
  /** The RequestAuthentication object. */
  public readonly resource: l1.RequestAuthentication;
  /** The token-requirement policy, unless `TokenRequirement.optional()`. */
  public readonly requirement: AuthorizationPolicy | undefined;

  private readonly selector: { [key: string]: string } | undefined;
  private readonly rules: l1.RequestAuthenticationSpecJwtRules[];

  constructor(scope: Construct, id: string, props: JwtAuthenticationProps) {
    super(scope, id);
    props = checkProps(this, props, 'JwtAuthenticationProps');
    this.selector = props.selector === undefined ? undefined
      : renderSelector(this, 'selector', props.selector, crdLimits(REQUEST_AUTHENTICATION, 'spec.selector.matchLabels').maxProperties);
    if (props.namespace !== undefined) {
      checkDnsLabel(this, 'namespace', props.namespace, 'use a namespace name such as "bookinfo"');
    }
    this.namespace = resolveNamespace(this, { given: props.namespace, target: props.selector?.namespace, targetName: 'the selected workload' });
    const name = checkDnsLabel(this, 'name', props.name ?? id, 'use a DNS label, e.g. "productpage-jwt"');
    if (Array.isArray(props.issuers) && props.issuers.length === 0) {
      throw invalidInput(this, 'issuers', props.issuers, 'is empty: no token could ever be valid', 'give at least one JwtIssuer');
    }
    this.rules = checkArray(this, 'issuers', props.issuers, (issuer, field) => this.renderIssuer(field, issuer as JwtIssuer),
      { maxItems: crdLimits(REQUEST_AUTHENTICATION, 'spec.jwtRules').maxItems, fix: 'give a list of JwtIssuer, e.g. [{ issuer: "https://auth.example.com" }]' });

    const requirement = props.requireToken === undefined ? TokenRequirement.everywhere()
      : checkInstance(this, 'requireToken', props.requireToken, TokenRequirement, 'use TokenRequirement.everywhere(), .onPaths([...]), .exceptPaths([...]) or .optional()');
    if (requirement.kind === TokenRequirementKind.OPTIONAL && props.ports !== undefined) {
      throw invalidInput(this, 'ports', props.ports, 'is set, but TokenRequirement.optional() writes no policy for them to confine', 'leave ports out, or require a token');
    }
    const policyName = `${name}${REQUIREMENT_SUFFIX}`;
    if (requirement.kind !== TokenRequirementKind.OPTIONAL && !isDnsLabel(policyName)) {
      throw invalidInput(this, 'name', name, `is ${name.length} characters long: the token-requirement AuthorizationPolicy "<name>${REQUIREMENT_SUFFIX}" would be longer than a DNS label's 63`,
        `use a name of at most ${63 - REQUIREMENT_SUFFIX.length} characters`);
    }
    const rendered = requirement.kind === TokenRequirementKind.OPTIONAL ? undefined : requirement._render(this, 'requireToken');
    const ports = rendered === undefined ? undefined : this.renderPorts(props.ports, requirement);

    this.resource = new l1.RequestAuthentication(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.toSpec() }) as unknown as l1.RequestAuthenticationSpec,
    });
    this.requirement = rendered === undefined ? undefined : this.requirementPolicy(policyName, requirement.kind, rendered, props.selector, ports);
  }

  /** The RequestAuthentication spec. */
  public toSpec(): l1.RequestAuthenticationSpec {
    return {
      ...(this.selector ? { selector: { matchLabels: { ...this.selector } } } : {}),
      jwtRules: this.rules.map((r) => ({ ...r })),
    };
  }

  /** The HTTP ports of `ports`, checked; required with `onPaths`. */
  private renderPorts(ports: number[] | undefined, requirement: TokenRequirement): number[] | undefined {
    if (ports === undefined) {
      if (requirement.kind === TokenRequirementKind.ON_PATHS) {
        throw invalidInput(this, 'ports', undefined, 'is not set, but TokenRequirement.onPaths needs it: on a port istiod does not treat as HTTP it drops the paths and the token check from the DENY rule, which then rejects every connection',
          'give the workload ports that serve HTTP, e.g. ports: [9080]');
      }
      return undefined;
    }
    if (Array.isArray(ports) && ports.length === 0) {
      throw invalidInput(this, 'ports', ports, 'is empty', 'give the workload ports that serve HTTP, e.g. [9080], or leave ports out');
    }
    const out = checkArray(this, 'ports', ports, (p, field) => checkPort(this, field, p, 'give the workload (container) port, e.g. 9080'),
      { fix: 'give the workload ports that serve HTTP, e.g. [9080], or leave ports out' });
    const twice = out.find((p, i) => out.indexOf(p) !== i);
    if (twice !== undefined) {
      throw invalidInput(this, 'ports', ports, `names port ${twice} twice`, 'give each port once');
    }
    return out;
  }

  /**
   * The DENY policy that makes a valid token mandatory, from checked parts only: every value it is given
   * was checked above under this construct's fields, so the policy itself has nothing left to reject.
   */
  private requirementPolicy(name: string, kind: TokenRequirementKind, rendered: { paths: string[] | undefined; principals: string[] },
    selector: WorkloadSelector | undefined, ports: number[] | undefined): AuthorizationPolicy {
    const paths = rendered.paths ?? [];
    const from: RequestSource[] = [{ notRequestPrincipals: [...rendered.principals] }];
    const onPorts = ports ? { ports: [...ports] } : {};
    const to: RequestOperation[] | undefined = kind === TokenRequirementKind.ON_PATHS ? [{ paths: withBarePrefixes(paths), ...onPorts }]
      : kind === TokenRequirementKind.EXCEPT_PATHS ? [{ notPaths: paths, ...onPorts }]
        : ports ? [onPorts] : undefined;
    return new AuthorizationPolicy(this, 'RequireToken', {
      name,
      namespace: this.namespace,
      ...(selector !== undefined ? { selector } : {}),
      action: AuthorizationAction.DENY,
      rules: [{ from, ...(to ? { to } : {}) }],
      // Without ports (everywhere / exceptPaths only): rejecting the connections of non-HTTP ports,
      // which can carry no token, is what "a token is required" means there. This is the same
      // acknowledgement a user's DENY policy gives (the annotation the analyzer reads); with ports,
      // every operation is confined to them and there is nothing to acknowledge.
      ...(ports === undefined ? { acknowledgeTcpBlocking: true } : {}),
    });
  }

  private renderIssuer(field: string, given: JwtIssuer): l1.RequestAuthenticationSpecJwtRules {
    const r = checkOptions(this, field, given, 'JwtIssuer');
    const nonEmpty = (f: string, v: unknown) => {
      if (v === undefined) return;
      if (typeof v !== 'string') {
        throw invalidInput(this, `${field}.${f}`, v, `is ${describeType(v)}, not a string`, `give a value or leave ${f} out`);
      }
      if (v.trim() === '') {
        throw invalidInput(this, `${field}.${f}`, v, 'is empty', `give a value or leave ${f} out`);
      }
    };
    nonEmpty('issuer', r.issuer);
    nonEmpty('jwksUri', r.jwksUri);
    nonEmpty('jwks', r.jwks);
    // R1: an issuer or a jwksUri; only one of jwks / jwksUri; jwksUri is http(s).
    if (r.issuer === undefined && r.jwksUri === undefined) {
      throw invalidInput(this, field, r, 'has neither issuer nor jwksUri (istiod: issuer or jwksUri must be non-empty)', 'give the issuer (iss claim) and, unless it publishes OpenID discovery, its jwksUri');
    }
    if (r.jwks !== undefined && r.jwksUri !== undefined) {
      throw invalidInput(this, `${field}.jwks`, '<inline JWKS>', `is set together with jwksUri ${JSON.stringify(r.jwksUri)}; only one of them may be set`, 'keep jwksUri (keys rotate without a redeploy) or the inline jwks, not both');
    }
    if (r.jwksUri !== undefined) {
      let scheme: string | undefined;
      try {
        scheme = new URL(r.jwksUri).protocol;
      } catch {
        scheme = undefined;
      }
      if (scheme !== 'https:' && scheme !== 'http:') {
        throw invalidInput(this, `${field}.jwksUri`, r.jwksUri, 'is not an http:// or https:// URL', 'give the JWKS URL, e.g. "https://auth.example.com/.well-known/jwks.json"');
      }
      const maxLength = crdLimits(REQUEST_AUTHENTICATION, 'spec.jwtRules[].jwksUri').maxLength!;
      if (r.jwksUri.length > maxLength) {
        throw invalidInput(this, `${field}.jwksUri`, `${r.jwksUri.slice(0, 40)}...`, `is longer than ${maxLength} characters`, 'shorten the URL');
      }
    }
    if (r.jwks !== undefined) {
      let keys: unknown;
      try {
        keys = (JSON.parse(r.jwks) as { keys?: unknown } | null)?.keys;
      } catch {
        keys = undefined;
      }
      if (!Array.isArray(keys) || keys.length === 0) {
        throw invalidInput(this, `${field}.jwks`, '<inline JWKS>', 'is not a JSON Web Key Set with a non-empty "keys" list (istiod fails to parse it)', 'give the JWKS document as a JSON string: {"keys":[...]}');
      }
    }
    const list = (f: string, v: unknown): string[] | undefined => {
      if (v === undefined) {
        return undefined;
      }
      if (!Array.isArray(v)) {
        throw invalidInput(this, `${field}.${f}`, v, `is ${describeType(v)}, not a list`, `give a list of non-empty strings or leave ${f} out`);
      }
      if (v.length === 0 || v.some((x) => typeof x !== 'string' || x.trim() === '')) {
        throw invalidInput(this, `${field}.${f}`, v, 'is empty or has an empty entry', `give non-empty values or leave ${f} out`);
      }
      return [...v] as string[];
    };
    const forwardOriginalToken = r.forwardOriginalToken === undefined ? undefined : checkBoolean(this, `${field}.forwardOriginalToken`, r.forwardOriginalToken);
    if (Array.isArray(r.fromHeaders) && r.fromHeaders.length === 0) {
      throw invalidInput(this, `${field}.fromHeaders`, [], 'is empty', 'give at least one header or leave fromHeaders out');
    }
    const fromHeaders = r.fromHeaders === undefined ? undefined : checkArray(this, `${field}.fromHeaders`, r.fromHeaders, (item, f) => {
      const h = checkOptions(this, f, item as JwtHeader, 'JwtHeader');
      if (typeof h.name !== 'string' || !HEADER.test(h.name)) {
        throw invalidInput(this, `${f}.name`, h.name, 'is not a header name', 'give a header such as "Authorization"');
      }
      const prefix = h.prefix === undefined ? undefined : checkString(this, `${f}.prefix`, h.prefix, { fix: 'give the prefix as a string, e.g. "Bearer "' });
      return { name: h.name, ...(prefix !== undefined ? { prefix } : {}) };
    }, { fix: 'give a list of headers, e.g. [{ name: "Authorization", prefix: "Bearer " }]' });
    if (r.outputPayloadToHeader !== undefined && (typeof r.outputPayloadToHeader !== 'string' || !HEADER.test(r.outputPayloadToHeader))) {
      throw invalidInput(this, `${field}.outputPayloadToHeader`, r.outputPayloadToHeader, 'is not a header name', 'use letters, digits, "-" and "_", e.g. "x-jwt-payload"');
    }
    const claims = r.outputClaimToHeaders === undefined ? undefined : checkArray(this, `${field}.outputClaimToHeaders`, r.outputClaimToHeaders, (item, f) => {
      const c = checkOptions(this, f, item as JwtClaimToHeader, 'JwtClaimToHeader');
      if (typeof c.claim !== 'string' || c.claim === '') {
        throw invalidInput(this, `${f}.claim`, c.claim, typeof c.claim === 'string' ? 'is empty' : `is ${describeType(c.claim)}, not a claim name`, 'name the claim, e.g. "sub"');
      }
      if (typeof c.header !== 'string' || !HEADER.test(c.header)) {
        throw invalidInput(this, `${f}.header`, c.header, 'is not a header name', 'use letters, digits, "-" and "_", e.g. "x-jwt-sub"');
      }
      return { claim: c.claim, header: c.header };
    }, { fix: 'give a list of { claim, header }, e.g. [{ claim: "sub", header: "x-jwt-sub" }]' });
    const audiences = list('audiences', r.audiences);
    const fromParams = list('fromParams', r.fromParams);
    const fromCookies = list('fromCookies', r.fromCookies);
    const timeout = r.timeout === undefined ? undefined : istioDuration(this, `${field}.timeout`, r.timeout);
    return {
      ...(r.issuer !== undefined ? { issuer: r.issuer } : {}),
      ...(r.jwksUri !== undefined ? { jwksUri: r.jwksUri } : {}),
      ...(r.jwks !== undefined ? { jwks: r.jwks } : {}),
      ...(audiences !== undefined ? { audiences } : {}),
      ...(forwardOriginalToken !== undefined ? { forwardOriginalToken } : {}),
      ...(fromHeaders ? { fromHeaders } : {}),
      ...(fromParams !== undefined ? { fromParams } : {}),
      ...(fromCookies !== undefined ? { fromCookies } : {}),
      ...(r.outputPayloadToHeader !== undefined ? { outputPayloadToHeader: r.outputPayloadToHeader } : {}),
      ...(claims ? { outputClaimToHeaders: claims } : {}),
      ...(timeout !== undefined ? { timeout } : {}),
    };
  }
}
