import { IConstruct } from 'constructs';
import { invalidInput } from './errors';

/** True for a TCP/UDP port number, 1–65535. */
export function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Checks a port number 1–65535 and returns it, or throws naming the construct path, field and value. */
export function checkPort(scope: IConstruct, field: string, port: unknown, fix = 'use a port number such as 80 or 443'): number {
  if (!isPort(port)) {
    throw invalidInput(scope, field, port, 'is not a port number 1–65535', fix);
  }
  return port;
}
