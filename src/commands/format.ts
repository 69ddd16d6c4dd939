/** Redis's bytesToHuman: 1.50K, 2.00M … */
export function formatHumanBytes(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes}B` : `${value.toFixed(2)}${units[unit]}`;
}

/**
 * C's `%.17g`, which Redis 7.0 uses for doubles it replies as text (RESP2 doubles, scores in
 * ZSCAN): 17 significant digits, trailing zeros dropped, exponent form when the exponent is below
 * -4 or at least 17. 1.5 → "1.5", 10 → "10", 0.1 → "0.10000000000000001", Infinity → "inf".
 */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential(16).split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 17) {
    const digits = trimZeros(mantissa);
    const sign = exponent < 0 ? '-' : '+';
    return `${digits}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return trimZeros(value.toFixed(16 - exponent));
}

function trimZeros(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/\.?0+$/, '') : decimal;
}
