/**
 * Enrollment codes: 8 characters from a 50-character alphabet (A-Z a-z 0-9 without the vowels
 * aAeEiIoOuU, which keep words out of codes, and 1/l, which read alike). 50^8 ~ 3.9e13 codes.
 *
 * Randomness comes from crypto.randomBytes with rejection sampling: a byte below 250 (= 5 * 50)
 * maps uniformly onto the alphabet by `% 50`; bytes 250..255 are dropped so no character is
 * favoured. Bytes are drawn in blocks, since one randomBytes call per character would dominate
 * the cost of generating 10,000 codes.
 */
import { randomBytes } from 'node:crypto';

export const codeAlphabet = '023456789BCDFGHJKLMNPQRSTVWXYZbcdfghjkmnpqrstvwxyz';
export const codeLength = 8;

const acceptBelow = Math.floor(256 / codeAlphabet.length) * codeAlphabet.length;

let pool = Buffer.alloc(0);
let poolIndex = 0;

function randomIndex(): number {
  for (;;) {
    if (poolIndex >= pool.length) {
      pool = randomBytes(4096);
      poolIndex = 0;
    }
    const byte = pool[poolIndex++]!;
    if (byte < acceptBelow) return byte % codeAlphabet.length;
  }
}

export function generateCode(): string {
  let code = '';
  for (let i = 0; i < codeLength; i++) code += codeAlphabet[randomIndex()];
  return code;
}

/** `count` codes, distinct from each other and from `taken` (which it extends). */
export function generateCodes(count: number, taken: Set<string> = new Set()): string[] {
  const codes: string[] = [];
  while (codes.length < count) {
    const code = generateCode();
    if (taken.has(code)) continue;
    taken.add(code);
    codes.push(code);
  }
  return codes;
}
