import type { ComponentProps } from 'react';
import { Link, type LinkProps } from 'react-router';

export type ButtonVariant = 'solid' | 'outline' | 'text';
export type ButtonSize = 'md' | 'sm';

// After the design system's buttons: solid key colour, outline, and text; underline on hover.
const base =
  'inline-flex items-center justify-center gap-2 underline-offset-[3px] no-underline cursor-pointer ' +
  'aria-disabled:pointer-events-none disabled:cursor-not-allowed';

const variants: Record<ButtonVariant, string> = {
  solid:
    'border-4 border-double border-transparent bg-blue-900 text-white hover:bg-blue-1000 hover:text-white hover:underline ' +
    'active:bg-blue-1200 disabled:bg-solid-gray-300 disabled:text-solid-gray-50',
  outline:
    'border border-current bg-white text-blue-900 hover:bg-blue-200 hover:text-blue-1000 hover:underline ' +
    'active:bg-blue-300 disabled:text-solid-gray-420',
  text: 'text-blue-900 underline hover:bg-blue-50 hover:text-blue-1000 hover:decoration-[3px] active:bg-blue-100',
};

const sizes: Record<ButtonSize, string> = {
  md: 'min-h-12 min-w-24 rounded-8 px-4 py-2 text-oln-16B-100',
  sm: 'min-h-9 min-w-20 rounded-6 px-3 py-1 text-oln-16B-100',
};

export function buttonClass(variant: ButtonVariant = 'solid', size: ButtonSize = 'md', extra = ''): string {
  return `${base} ${variants[variant]} ${sizes[size]} ${extra}`;
}

type ButtonProps = ComponentProps<'button'> & { variant?: ButtonVariant; size?: ButtonSize };

export function Button({ variant = 'solid', size = 'md', className = '', type = 'button', ...rest }: ButtonProps) {
  return <button type={type} className={buttonClass(variant, size, className)} {...rest} />;
}

type ButtonLinkProps = LinkProps & { variant?: ButtonVariant; size?: ButtonSize };

/** A link that looks like a button: for navigation ("Register a center"), not for actions. */
export function ButtonLink({ variant = 'solid', size = 'md', className = '', ...rest }: ButtonLinkProps) {
  return <Link className={buttonClass(variant, size, className)} {...rest} />;
}
