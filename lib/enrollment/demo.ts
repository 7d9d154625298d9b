/** Demo data for this surface (SPEC section 6); must be idempotent. */
export async function seedDemoEnrollment(): Promise<void> {
  // filled in by the enrollment issue
}
