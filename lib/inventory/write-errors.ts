/** What a unit write's failure means (repository-writes.ts `explain`; the list claim's wait). */

/** Another write got there first (version changed or DynamoDB saw a concurrent transaction): read again and retry. */
export class WriteConflict extends Error {
  constructor() {
    super('Concurrent write to the same inventory unit');
    this.name = 'WriteConflict';
  }
}

/** The asset id is already claimed by another unit of the tenant. */
export class AssetTaken extends Error {
  constructor(readonly assetId: string) {
    super(`Asset id taken: ${assetId}`);
    this.name = 'AssetTaken';
  }
}
