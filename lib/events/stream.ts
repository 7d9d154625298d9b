/**
 * DynamoDB stream records (Lambda's event, or the Streams API's GetRecords locally: the same
 * shape, but the API gives ApproximateCreationDateTime as a Date and Lambda as epoch seconds)
 * -> the catalogue's ChangeRecord.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { tableName } from '../db/tables';
import type { ChangeRecord } from './catalogue';
import type { EventSurface } from './envelope';

export interface StreamRecordLike {
  eventName?: string;
  eventSourceARN?: string;
  dynamodb?: {
    Keys?: Record<string, unknown>;
    NewImage?: Record<string, unknown>;
    OldImage?: Record<string, unknown>;
    SequenceNumber?: string;
    ApproximateCreationDateTime?: number | Date;
  };
}

const surfaces: EventSurface[] = ['units', 'inventory', 'enrollment'];

/** The surface whose table a stream ARN (`arn:aws:dynamodb:...:table/<name>/stream/...`) belongs to. */
export function surfaceOfStream(arn: string): EventSurface | undefined {
  const name = /:table\/([^/]+)\/stream\//.exec(arn)?.[1];
  return surfaces.find((s) => tableName(s) === name);
}

const image = (raw: Record<string, unknown> | undefined) =>
  raw ? unmarshall(raw as Parameters<typeof unmarshall>[0]) : undefined;

export function changeRecord(record: StreamRecordLike, surface: EventSurface): ChangeRecord | undefined {
  const d = record.dynamodb;
  const keys = image(d?.Keys);
  if (!d || !keys || typeof keys.pk !== 'string' || typeof keys.sk !== 'string' || !d.SequenceNumber) return undefined;
  const when = d.ApproximateCreationDateTime;
  const time = when instanceof Date ? when : new Date(typeof when === 'number' ? when * 1000 : Date.now());
  const oldImage = image(d.OldImage);
  const newImage = image(d.NewImage);
  return {
    surface,
    eventName: record.eventName as ChangeRecord['eventName'],
    keys: { pk: keys.pk, sk: keys.sk },
    ...(oldImage ? { oldImage } : {}),
    ...(newImage ? { newImage } : {}),
    sequenceNumber: d.SequenceNumber,
    approximateTime: time.toISOString(),
  };
}
