import { isIP } from 'net';

/**
 * True for an IP address or a CIDR range (`10.1.2.3`, `10.0.0.0/16`, `2001:db8::/64`), as istiod's
 * `ValidateIPs` accepts them.
 */
export function isIpOrCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) {
    return isIP(value) !== 0;
  }
  const ip = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  const family = isIP(ip);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) {
    return false;
  }
  return Number(bits) <= (family === 4 ? 32 : 128);
}
