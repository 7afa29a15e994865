import type { ReactNode } from 'react';

export type NoticeTone = 'info' | 'success' | 'warning' | 'error';

const tones: Record<NoticeTone, string> = {
  info: 'border-blue-900 bg-blue-50',
  success: 'border-success-2 bg-green-50',
  warning: 'border-warning-yellow-2 bg-yellow-50',
  error: 'border-error-2 bg-red-50',
};

/**
 * A message box. `live` makes screen readers announce it when it appears: `polite` for
 * confirmations, `assertive` for errors and the idle warning.
 */
export function Notice({
  tone,
  title,
  children,
  live,
  className = '',
}: {
  tone: NoticeTone;
  title?: ReactNode;
  children?: ReactNode;
  live?: 'polite' | 'assertive';
  className?: string;
}) {
  const role = live === 'assertive' ? 'alert' : live === 'polite' ? 'status' : undefined;
  return (
    <div role={role} className={`rounded-8 border-l-8 border-y border-r px-4 py-3 ${tones[tone]} ${className}`}>
      {title !== undefined && <p className="text-std-17B-170">{title}</p>}
      {children !== undefined && <div className="text-std-16N-170">{children}</div>}
    </div>
  );
}
