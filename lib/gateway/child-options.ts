import { Construct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkOptions, checkString, isObject, PropsInterface } from '../core/input';

/**
 * Checks the arguments of a method that creates a child construct from options (`addRoute`,
 * `routeExternalHost`): a construct id that is free, and an options object without a `gateway` key
 * (the method binds the child to this gateway). The child checks the rest under its own path.
 */
export function checkChildOptions<T>(gateway: Construct, method: string, id: unknown, options: T, iface: PropsInterface): T {
  checkString(gateway, `${method}(id)`, id, { minLength: 1, fix: 'give the child an id, e.g. "bookinfo"' });
  // constructs stores ids with "/" as "--".
  if (gateway.node.tryFindChild((id as string).replace(/\//g, '--')) !== undefined) {
    throw invalidInput(gateway, `${method}(id)`, id, 'is already the id of a child of this gateway', 'give each route its own id');
  }
  if (!isObject(options)) {
    checkOptions(gateway, `${method}(${JSON.stringify(id)}, options)`, options, iface);
  }
  if (Object.prototype.hasOwnProperty.call(options, 'gateway')) {
    throw invalidInput(gateway, `${method}(${JSON.stringify(id)}, options)`, 'gateway', `is not a field of ${iface}`, `drop it: ${method} binds the route to this gateway`);
  }
  return options;
}
