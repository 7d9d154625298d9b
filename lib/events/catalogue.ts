/**
 * The event catalogue (docs/EVENTS.md): which change of which item of the log of record is which
 * event. Pure: a stream record (keys, old and new image) in, zero or more events out; no read, no
 * HTTP. Keys are recognised by rebuilding them with the surfaces' own key builders (keys.ts stays
 * the one place that spells them), so an item this file does not know is ignored, never guessed.
 *
 * Sources, one per surface (all NEW_AND_OLD_IMAGES streams):
 * - units: the ledger entry's commit (units.assigned, with the charge), a grant on the account
 *   (units.granted), courses and logins (reference data);
 * - inventory: the unit's log entries (inventory_unit.created / adjusted / moved / split, one
 *   per entry, which the write paths store anyway), a unit changed without a log entry
 *   (inventory_unit.updated), parts, units of measure, locations, sublocations;
 * - enrollment: the course's count of listed codes growing (code.generated, one per request,
 *   with the count), a code's status changing (code.redeemed / canceled / restored / expired), courses.
 */
import { envelope, type AllotEvent, type EventSurface } from './envelope';
import * as enrollmentKeys from '../enrollment/keys';
import { keys as inventoryKeys } from '../inventory/keys';
import * as unitsKeys from '../units/keys';

export type Image = Record<string, unknown>;

/** One stream record, as Lambda's DynamoDB event and the DynamoDB Streams API both give it (images unmarshalled). */
export interface ChangeRecord {
  surface: EventSurface;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys: { pk: string; sk: string };
  oldImage?: Image;
  newImage?: Image;
  /** The stream's sequence number: unique per change of an item, the same on every read of the record. */
  sequenceNumber: string;
  /** ApproximateCreationDateTime as an ISO string. */
  approximateTime: string;
}

/** `T#<tenant>#<KIND>#<rest>` -> tenant and rest; the caller rebuilds the key to confirm. */
function split(pk: string, kind: string): { tenant: string; rest: string } | undefined {
  if (!pk.startsWith('T#')) return undefined;
  const at = pk.indexOf(`#${kind}#`, 2);
  if (at < 0) return undefined;
  return { tenant: pk.slice(2, at), rest: pk.slice(at + kind.length + 2) };
}

/** `T#<tenant>#<KIND>` (no id in the partition key). */
function tenantOf(pk: string, kind: string): string | undefined {
  return pk.startsWith('T#') && pk.endsWith(`#${kind}`) ? pk.slice(2, pk.length - kind.length - 1) : undefined;
}

const str = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));
const num = (v: unknown): number | null => (v === undefined || v === null ? null : Number(v));
const changed = (a: Image | undefined, b: Image | undefined, fields: string[]) =>
  fields.filter((f) => JSON.stringify(a?.[f] ?? null) !== JSON.stringify(b?.[f] ?? null));

type Draft = Omit<Parameters<typeof envelope>[0], 'surface' | 'tenant'>;

function make(r: ChangeRecord, tenant: string, drafts: Draft[]): AllotEvent[] {
  return drafts.map((d) => envelope({ ...d, surface: r.surface, tenant }));
}

/** A reference item created or changed in one of `fields`: `<prefix>.created` / `.updated`. */
function reference(r: ChangeRecord, tenant: string, prefix: string, subject: string, fields: string[], data: Image): AllotEvent[] {
  if (r.eventName === 'REMOVE') return [];
  if (r.eventName === 'MODIFY' && changed(r.oldImage, r.newImage, fields).length === 0) return [];
  const type = `${prefix}.${r.eventName === 'INSERT' ? 'created' : 'updated'}`;
  return make(r, tenant, [{ type, idParts: [r.keys.pk, r.keys.sk, r.sequenceNumber], time: r.approximateTime, subject, data }]);
}

// ---- units -----------------------------------------------------------------------------

function unitsEvents(r: ChangeRecord): AllotEvent[] {
  const { pk, sk } = r.keys;
  const n = r.newImage ?? {};
  const o = r.oldImage ?? {};
  const ledger = tenantOf(pk, 'LEDGER');
  if (ledger !== undefined && sk.startsWith('OP#') && unitsKeys.operationKey(ledger, sk).pk === pk) {
    if (r.eventName !== 'MODIFY' || o.status === 'committed' || n.status !== 'committed') return [];
    return make(r, ledger, [{
      type: 'units.assigned',
      // A ledger entry commits once: its key is the change's identity.
      idParts: [pk, sk, 'committed'],
      time: str(n.created_at) ?? r.approximateTime,
      subject: `operations/${String(n.op_id)}`,
      data: {
        operation_id: str(n.op_id),
        course_codes: n.course_codes ?? [],
        login_ids: n.login_ids ?? [],
        units_charged: num(n.units) ?? 0,
        units_owed: num(n.owed) ?? 0,
        created_at: str(n.created_at),
      },
    }]);
  }
  const account = unitsKeys.tenantOfAccountPk(pk);
  if (account !== undefined && sk === 'ACCOUNT') {
    if (r.eventName !== 'MODIFY') return [];
    const d = (f: string) => (num(n[f]) ?? 0) - (num(o[f]) ?? 0);
    // A grant adds to units_available or pays off units_owed and never touches units_used.
    if (d('units_used') !== 0 || !(d('units_available') > 0 || d('units_owed') < 0)) return [];
    return make(r, account, [{
      type: 'units.granted',
      idParts: [pk, sk, r.sequenceNumber],
      time: r.approximateTime,
      subject: 'account',
      data: { units_granted: d('units_available') - d('units_owed'), units_available: num(n.units_available), units_owed: num(n.units_owed) },
    }]);
  }
  const courses = tenantOf(pk, 'COURSES');
  if (courses !== undefined && sk.startsWith('COURSE#')) {
    const code = sk.slice('COURSE#'.length);
    if (unitsKeys.courseKey(courses, code).pk !== pk) return [];
    const img = r.newImage ?? {};
    return reference(r, courses, 'units.course', `courses/${code}`, ['name', 'unit_cost'], { code, name: str(img.name), unit_cost: num(img.unit_cost) });
  }
  const login = split(pk, 'LOGIN');
  if (login && sk === 'LOGIN' && unitsKeys.refKeys.login(login.tenant, Number(login.rest)).pk === pk) {
    const img = r.newImage ?? {};
    const fields = ['email', 'first_name', 'last_name'];
    return reference(r, login.tenant, 'units.login', `logins/${login.rest}`, fields, {
      id: Number(login.rest),
      ...Object.fromEntries(fields.map((f) => [f, str(img[f])])),
    });
  }
  return [];
}

// ---- inventory -------------------------------------------------------------------------

const recordTypes: Record<string, string> = { create: 'created', adjust: 'adjusted', consume: 'adjusted', move: 'moved', split: 'split' };
/** What the log entries already report: a unit change touching only these has its event from the log. */
const loggedFields = new Set(['quantity', 'inventory_location', 'inventory_sublocation_id', 'sublocation_bin', 'version', 'updated_at']);
const unitFields = [
  'part_id', 'quantity', 'cost_per_unit', 'unit_id', 'unit', 'inventory_sublocation_id', 'inventory_location', 'sublocation_bin',
  'asset_id', 'serial_number', 'lot_code', 'datecode', 'details', 'purchase_order_number', 'purchase_quantity', 'purchase_price',
  'vendor', 'created_at', 'updated_at', 'version',
];

function inventoryEvents(r: ChangeRecord): AllotEvent[] {
  const { pk, sk } = r.keys;
  const n = r.newImage ?? {};
  const unit = split(pk, 'UNIT');
  if (unit && /^\d+$/.test(unit.rest)) {
    const unitId = Number(unit.rest);
    const tenant = unit.tenant;
    if (inventoryKeys.unit(tenant, unitId).pk !== pk) return [];
    if (sk.startsWith(inventoryKeys.recordPrefix)) {
      // A split logs on both units: the new unit's first entry is its creation.
      const type = n.record_type === 'split' && num(n.unit_version) === 1 ? 'created' : recordTypes[String(n.record_type)];
      if (r.eventName !== 'INSERT' || !type) return [];
      return make(r, tenant, [{
        type: `inventory_unit.${type}`,
        // A log entry is written once, under its unit's version: its key is the change's identity.
        idParts: [pk, sk],
        time: str(n.created_at) ?? r.approximateTime,
        subject: `inventory_units/${unitId}`,
        data: {
          inventory_unit_id: unitId,
          unit_version: num(n.unit_version),
          inventory_record: {
            id: num(n.id),
            record_type: str(n.record_type),
            quantity_change: num(n.quantity_change),
            quantity_after: num(n.quantity_after),
            comment: str(n.comment),
            inventory_location: str(n.inventory_location),
            created_at: str(n.created_at),
          },
        },
      }]);
    }
    if (sk !== 'UNIT' || r.eventName !== 'MODIFY') return [];
    const fields = changed(r.oldImage, n, unitFields).filter((f) => !loggedFields.has(f));
    if (!fields.length) return [];
    return make(r, tenant, [{
      type: 'inventory_unit.updated',
      idParts: [pk, sk, String(n.version ?? r.sequenceNumber)],
      time: str(n.updated_at) ?? r.approximateTime,
      subject: `parts/${String(n.part_id)}/inventory_units/${unitId}`,
      data: { inventory_unit: Object.fromEntries(['id', ...unitFields].map((f) => [f, n[f] ?? null])), changed: fields },
    }]);
  }
  const refs: [kind: string, sk: string, type: string, path: string, build: (t: string, id: number) => { pk: string }, fields: string[]][] = [
    ['PART', 'PART', 'inventory.part', 'parts', inventoryKeys.part, ['part_number', 'description', 'manufacturer', 'manufacturer_part_number']],
    ['UOM', 'UOM', 'inventory.unit_of_measure', 'units', inventoryKeys.uom, ['name']],
    ['LOC', 'LOC', 'inventory.location', 'inventory_locations', inventoryKeys.location, ['name']],
    ['SUBLOC', 'SUBLOC', 'inventory.sublocation', 'inventory_sublocations', inventoryKeys.sublocation, ['name', 'location_id']],
  ];
  for (const [kind, itemSk, type, path, build, fields] of refs) {
    const ref = split(pk, kind);
    if (!ref || sk !== itemSk || !/^\d+$/.test(ref.rest) || build(ref.tenant, Number(ref.rest)).pk !== pk) continue;
    const id = Number(ref.rest);
    return reference(r, ref.tenant, type, `${path}/${id}`, fields, { id, ...Object.fromEntries(fields.map((f) => [f, n[f] ?? null])) });
  }
  return [];
}

// ---- enrollment ------------------------------------------------------------------------

const codeTransitions: Record<string, string> = { redeemed: 'code.redeemed', canceled: 'code.canceled', expired: 'code.expired', active: 'code.restored' };

function enrollmentEvents(r: ChangeRecord): AllotEvent[] {
  const { pk, sk } = r.keys;
  const n = r.newImage ?? {};
  const o = r.oldImage ?? {};
  const code = split(pk, 'CODE');
  if (code && sk === 'CODE' && enrollmentKeys.codeKey(code.tenant, code.rest).pk === pk) {
    if (r.eventName !== 'MODIFY' || o.status === n.status) return [];
    const type = codeTransitions[String(n.status)];
    if (!type) return [];
    const courseId = String(n.courseId);
    return make(r, code.tenant, [{
      type,
      // A code may change status more than once (redeemed, restored, redeemed again): the
      // transition plus the stream record's sequence number identify this change.
      idParts: [pk, sk, String(o.status), String(n.status), r.sequenceNumber],
      time: (n.status === 'redeemed' ? str(n.redeemedAt) : null) ?? r.approximateTime,
      subject: `courses/${courseId}/codes/${code.rest}`,
      data: {
        code: code.rest,
        course_id: courseId,
        status: String(n.status),
        previous_status: String(o.status),
        email: str(n.email) ?? str(o.email),
        redeemed_at: str(n.redeemedAt),
        expires_at: str(n.expiresAt),
      },
    }]);
  }
  const course = split(pk, 'COURSE');
  if (course && sk === 'CODES' && enrollmentKeys.codeCountKey(course.tenant, course.rest).pk === pk) {
    // The course's count of listed codes moves only in the transaction that lists a request's
    // codes (a few at once, or a batch's commit): one event per request, with the count.
    const before = num(o.codes) ?? 0;
    const after = num(n.codes) ?? 0;
    if (r.eventName === 'REMOVE' || after <= before) return [];
    return make(r, course.tenant, [{
      type: 'code.generated',
      // The count only grows: the key and the count reached identify this request's codes.
      idParts: [pk, sk, after],
      time: r.approximateTime,
      subject: `courses/${course.rest}`,
      data: { course_id: course.rest, count: after - before, codes_listed: after },
    }]);
  }
  if (course && sk === 'COURSE' && enrollmentKeys.courseKey(course.tenant, course.rest).pk === pk) {
    const fields = ['enrollmentStart', 'enrollmentEnd', 'maxEnrollments'];
    const img = r.newImage ?? {};
    return reference(r, course.tenant, 'enrollment.course', `courses/${course.rest}`, fields, {
      course_id: course.rest,
      enrollment_start: str(img.enrollmentStart),
      enrollment_end: str(img.enrollmentEnd),
      max_enrollments: num(img.maxEnrollments),
    });
  }
  return [];
}

const bySurface: Record<EventSurface, (r: ChangeRecord) => AllotEvent[]> = {
  units: unitsEvents,
  inventory: inventoryEvents,
  enrollment: enrollmentEvents,
};

/** The events of one stream record (usually none: most writes are counters, lists, indexes). */
export function eventsOf(record: ChangeRecord): AllotEvent[] {
  return bySurface[record.surface](record);
}

/** Every event type of the catalogue (docs/EVENTS.md; webhook subscriptions are checked against it). */
export const EVENT_TYPES = [
  'units.assigned', 'units.granted', 'units.course.created', 'units.course.updated', 'units.login.created', 'units.login.updated',
  'inventory_unit.created', 'inventory_unit.updated', 'inventory_unit.adjusted', 'inventory_unit.moved', 'inventory_unit.split',
  'inventory.part.created', 'inventory.part.updated', 'inventory.unit_of_measure.created', 'inventory.unit_of_measure.updated',
  'inventory.location.created', 'inventory.location.updated', 'inventory.sublocation.created', 'inventory.sublocation.updated',
  'code.generated', 'code.redeemed', 'code.canceled', 'code.restored', 'code.expired',
  'enrollment.course.created', 'enrollment.course.updated',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
