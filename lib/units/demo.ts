/** Demo data for this surface (SPEC section 6); must be idempotent. */
export async function seedDemoUnits(): Promise<void> {
  // filled in by the units issue
}
