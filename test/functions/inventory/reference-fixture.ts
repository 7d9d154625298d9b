/**
 * Calls the inventory reference data handlers (parts, locations, sublocations, units of
 * measure) as API Gateway would, with a tenant's API token in the path. Not a test file.
 */
import { handler as createLocation } from '../../../functions/inventory/create-location';
import { handler as createPart } from '../../../functions/inventory/create-part';
import { handler as createSublocation } from '../../../functions/inventory/create-sublocation';
import { handler as createUom } from '../../../functions/inventory/create-unit-of-measure';
import { handler as listLocations } from '../../../functions/inventory/list-locations';
import { handler as listParts } from '../../../functions/inventory/list-parts';
import { handler as listUoms } from '../../../functions/inventory/list-units-of-measure';
import { handler as renameLocation } from '../../../functions/inventory/rename-location';
import { handler as renameSublocation } from '../../../functions/inventory/rename-sublocation';
import { handler as showPart } from '../../../functions/inventory/show-part';
import { handler as updatePart } from '../../../functions/inventory/update-part';
import { call, type Response } from '../../helpers/http';

const base = '/api/v2/{api_token}';
export const referenceEndpoints = {
  listParts: { fn: listParts, method: 'GET', route: `${base}/parts` },
  createPart: { fn: createPart, method: 'POST', route: `${base}/parts` },
  showPart: { fn: showPart, method: 'GET', route: `${base}/parts/{part_id}` },
  updatePart: { fn: updatePart, method: 'PUT', route: `${base}/parts/{part_id}` },
  listLocations: { fn: listLocations, method: 'GET', route: `${base}/inventory_locations` },
  createLocation: { fn: createLocation, method: 'POST', route: `${base}/inventory_locations` },
  renameLocation: { fn: renameLocation, method: 'PUT', route: `${base}/inventory_locations/{location_id}` },
  createSublocation: { fn: createSublocation, method: 'POST', route: `${base}/inventory_locations/{location_id}/inventory_sublocations` },
  renameSublocation: { fn: renameSublocation, method: 'PUT', route: `${base}/inventory_locations/{location_id}/inventory_sublocations/{id}` },
  listUoms: { fn: listUoms, method: 'GET', route: `${base}/units` },
  createUom: { fn: createUom, method: 'POST', route: `${base}/units` },
} as const;
export type ReferenceEndpoint = keyof typeof referenceEndpoints;

export interface RefSend {
  params?: Record<string, string | number>;
  suffix?: '.xml' | '.json';
  query?: string;
  body?: string | Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Sends as the tenant whose inventory token is `token`. */
export function sendRef(token: string, name: ReferenceEndpoint, s: RefSend = {}): Promise<Response> {
  const { fn, method, route } = referenceEndpoints[name];
  const suffix = s.suffix ?? '';
  let path: string = route.replace('{api_token}', token);
  for (const [k, v] of Object.entries(s.params ?? {})) path = path.replace(`{${k}}`, String(v));
  return call(fn, {
    method,
    route: route.endsWith('}') ? route : route + suffix,
    path: path + suffix + (s.query ? `?${s.query}` : ''),
    body: s.body,
    headers: s.headers,
  });
}

export const errorsOf = (res: Response) => (res.json as { errors: string[] }).errors;
export const pagination = (res: Response) => JSON.parse(res.headers['X-Pagination']!) as Record<string, unknown>;
