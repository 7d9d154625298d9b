/** Demo data for this surface (SPEC section 6); must be idempotent. */
export async function seedDemoInventory(): Promise<void> {
  // filled in by the inventory issue
}
