/* The enums of StrictMtls. */

/**
 * The mTLS mode a StrictMtls policy enforces: one value that walks a migration forward.
 *
 * 1. `PERMISSIVE` while some clients still send plaintext (workloads accept both);
 * 2. `STRICT` once every client has a sidecar (or ztunnel): plaintext is refused.
 *
 * `DISABLE` is deliberately not a member: it is only reachable through the loudly named
 * `insecureDisableMtls` option.
 */
export enum MtlsMode {
  /** Only mutual TLS is accepted: the secure default. */
  STRICT = 'STRICT',
  /** Mutual TLS and plaintext are both accepted: a migration stage, not an end state. */
  PERMISSIVE = 'PERMISSIVE',
}

/**
 * An mTLS mode as a PeerAuthentication writes it: the mode a StrictMtls policy is in
 * (`StrictMtls.mode`) and the mode of one port-level exception (`PortMtls.mode`).
 */
export enum PeerMtlsMode {
  /** Only mutual TLS. */
  STRICT = 'STRICT',
  /** Mutual TLS and plaintext. */
  PERMISSIVE = 'PERMISSIVE',
  /** Plaintext only: insecure, reachable only through `insecureDisableMtls` or `PortMtls.insecureDisable()`. */
  DISABLE = 'DISABLE',
}

/** The kinds of scope a StrictMtls policy can have. */
export enum MtlsScopeKind {
  /** Every workload of the mesh: a policy without selector in the root namespace. */
  MESH = 'mesh',
  /** Every workload of one namespace: a policy without selector there. */
  NAMESPACE = 'namespace',
  /** The workloads a selector picks in one namespace. */
  WORKLOAD = 'workload',
}
