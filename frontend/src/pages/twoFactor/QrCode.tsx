// A QR code drawn as SVG (qrcode-generator computes the modules; we draw them), so it scales
// crisply, prints, and needs no inline script or style.
import qrcode from 'qrcode-generator';
import { useMemo } from 'react';
import { qrPath } from '../../auth/twoFactor';

const MARGIN = 4;

/** `label` is the text alternative: what the code is for and that the key is shown as text too. */
export function QrCode({ value, label, size = 232 }: { value: string; label: string; size?: number }) {
  const { modules, d } = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(value);
    qr.make();
    const n = qr.getModuleCount();
    return { modules: n, d: qrPath(n, (r, c) => qr.isDark(r, c), MARGIN) };
  }, [value]);
  const box = modules + MARGIN * 2;
  return (
    <svg
      role="img"
      aria-label={label}
      data-testid="totp-qr"
      width={size}
      height={size}
      viewBox={`0 0 ${box} ${box}`}
      shapeRendering="crispEdges"
      className="border border-solid-gray-420 bg-white"
    >
      <rect width={box} height={box} fill="#ffffff" />
      <path d={d} fill="#000000" />
    </svg>
  );
}
